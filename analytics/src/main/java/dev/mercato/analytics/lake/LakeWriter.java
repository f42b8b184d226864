package dev.mercato.analytics.lake;

import dev.mercato.plane.consume.LogPartition;
import dev.mercato.plane.events.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes batches of events to the lake as Parquet, through an in-memory DuckDB of its own (no Hadoop). One
 * batch is consecutive records of one partition; it becomes one file per event date and type, every file
 * named after the batch's whole offset range. Each file is written under a temporary name and renamed into
 * place, so a reader (or a restart) sees whole files or none. Not thread-safe: one consumer thread uses it.
 */
public final class LakeWriter implements AutoCloseable {

    /** One event with its place in the log, as the lake stores it. */
    public record Entry(LogPartition partition, long offset, String key, Event event) {}

    private final Path lake;
    private final DuckDBConnection duck;

    private LakeWriter(Path lake, DuckDBConnection duck) {
        this.lake = lake;
        this.duck = duck;
    }

    public static LakeWriter open(Path lake) {
        try {
            Files.createDirectories(lake);
            Connection c = DriverManager.getConnection("jdbc:duckdb:");
            try (Statement s = c.createStatement()) {
                // One batch at a time, in memory: a small footprint beside the platform's other stores.
                s.execute("SET threads = 1");
                s.execute("SET preserve_insertion_order = true");
            }
            return new LakeWriter(lake.toAbsolutePath().normalize(), c.unwrap(DuckDBConnection.class));
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Cannot open the lake writer on " + lake + ": " + e.getMessage(), e);
        }
    }

    public Path root() {
        return lake;
    }

    /**
     * Writes the entries (consecutive records of one partition, all within [from, to]) and returns the files
     * written, or none when there are no entries. The date is the event's own time in UTC, so a late event
     * lands in the date it happened on.
     */
    public List<LakeFile> write(LogPartition partition, List<Entry> entries, long from, long to) {
        if (entries.isEmpty()) {
            return List.of();
        }
        Map<String, List<Entry>> groups = new TreeMap<>();
        for (Entry e : entries) {
            groups.computeIfAbsent(dateOf(e.event()) + "|" + typeOf(e.event()), g -> new ArrayList<>())
                    .add(e);
        }
        List<LakeFile> files = new ArrayList<>();
        List<Path[]> renames = new ArrayList<>();
        try {
            for (Map.Entry<String, List<Entry>> g : groups.entrySet()) {
                Entry first = g.getValue().getFirst();
                LakeFile file = LakeFile.of(dateOf(first.event()), typeOf(first.event()), partition, from, to);
                Path target = file.in(lake);
                Files.createDirectories(target.getParent());
                Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
                writeParquet(g.getValue(), temp);
                files.add(file);
                renames.add(new Path[] {temp, target});
            }
            // Renamed only once every file of the batch is complete: the names are the checkpoint.
            for (Path[] r : renames) {
                Files.move(r[0], r[1], StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write to the lake " + lake + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot write Parquet to the lake " + lake + ": " + e.getMessage(), e);
        }
        return files;
    }

    private void writeParquet(List<Entry> entries, Path temp) throws SQLException {
        try (Statement s = duck.createStatement()) {
            s.execute("CREATE OR REPLACE TABLE batch (event_id VARCHAR, type VARCHAR, version INTEGER, key VARCHAR,"
                    + " topic VARCHAR, log_partition INTEGER, log_offset BIGINT, occurred_micros BIGINT,"
                    + " merchant VARCHAR, aggregate_id VARCHAR, sequence BIGINT, payload VARCHAR)");
            try (DuckDBAppender a = duck.createAppender("batch")) {
                for (Entry e : entries) {
                    Event ev = e.event();
                    a.beginRow()
                            .append(ev.id().toString())
                            .append(ev.type().wire())
                            .append(ev.type().version())
                            .append(e.key())
                            .append(e.partition().topic())
                            .append(e.partition().partition())
                            .append(e.offset())
                            .append(ChronoUnit.MICROS.between(java.time.Instant.EPOCH, ev.time()))
                            .append(ev.merchant().value())
                            .append(ev.aggregateId())
                            .append(ev.sequence())
                            .append(ev.data())
                            .endRow();
                }
            }
            s.execute("COPY (SELECT event_id, type, version, key, topic, log_partition, log_offset,"
                    + " make_timestamp(occurred_micros) AS occurred_at, merchant, aggregate_id, sequence,"
                    + " CAST(payload AS JSON) AS payload FROM batch ORDER BY log_offset) TO '"
                    + temp.toString().replace("'", "''") + "' (FORMAT parquet, COMPRESSION zstd)");
            s.execute("DROP TABLE batch");
        }
    }

    static LocalDate dateOf(Event e) {
        return LocalDate.ofInstant(e.time(), ZoneOffset.UTC);
    }

    /** The type folder: source and name, the version being a column ({@code orders.order-placed}). */
    static String typeOf(Event e) {
        return e.type().source() + "." + e.type().name();
    }

    @Override
    public void close() {
        try {
            duck.close();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
