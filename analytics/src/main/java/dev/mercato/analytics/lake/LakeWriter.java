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
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;

/**
 * Writes batches of events to the lake as Parquet, through an in-memory DuckDB of its own (no Hadoop). One
 * batch is consecutive records of one partition; it becomes one file per event date and type, every file
 * named after the batch's whole offset range. One partitioned COPY writes them all to a staging folder,
 * from which each is renamed into place, so a reader (or a restart) sees whole files or none, and a restart
 * finishes the renames of a batch a crash interrupted. Not thread-safe: one consumer thread uses it.
 */
public final class LakeWriter implements AutoCloseable {

    /** One event with its place in the log, as the lake stores it. */
    public record Entry(LogPartition partition, long offset, String key, Event event) {}

    /** Where a batch is written before its files are moved into the lake; never read. */
    static final String STAGING = ".staging";

    private final Path lake;
    private final DuckDBConnection duck;

    private LakeWriter(Path lake, DuckDBConnection duck) {
        this.lake = lake;
        this.duck = duck;
    }

    public static LakeWriter open(Path lake) {
        try {
            Files.createDirectories(lake);
            // A batch a crash interrupted while moving its files into the lake is finished; one it interrupted
            // before (and a merge compaction had not moved yet) was never in the lake and is dropped: the log
            // still has it, and a merge's inputs are still in place.
            finishMoves(lake);
            deleteTree(lake.resolve(STAGING));
            Connection c = DriverManager.getConnection("jdbc:duckdb:");
            try (Statement s = c.createStatement()) {
                // One batch at a time, in memory: a small footprint beside the platform's other stores.
                s.execute("SET threads = 2");
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
        String name = partition.topic() + "-" + partition.partition() + "-" + from + "-" + to;
        Path staging = lake.resolve(STAGING).resolve(name);
        List<LakeFile> files = new ArrayList<>();
        try {
            deleteTree(staging);
            Files.createDirectories(staging.getParent());
            // One COPY writes every date and type of the batch, each to its own folder of the staging area.
            writeParquet(partition, entries, staging);
            Set<String> groups = new TreeSet<>();
            for (Entry e : entries) {
                groups.add(dateOf(e.event()) + "|" + typeOf(e.event()));
            }
            List<Path[]> renames = new ArrayList<>();
            for (String g : groups) {
                LocalDate date = LocalDate.parse(g.substring(0, g.indexOf('|')));
                String type = g.substring(g.indexOf('|') + 1);
                Path written = staging.resolve("event_date=" + date)
                        .resolve("event_type=" + type)
                        .resolve("part0.parquet");
                if (!Files.isRegularFile(written)) {
                    throw new IllegalStateException("DuckDB wrote no file for " + date + " " + type + " in " + staging);
                }
                LakeFile file = LakeFile.of(date, type, partition, from, to);
                files.add(file);
                renames.add(new Path[] {written, file.in(lake)});
            }
            // Moved only once every file of the batch is complete: the names are the checkpoint. The moves are
            // written down first, so a crash between two of them is finished on the next open: a batch is in
            // the lake whole or not at all, never with a sibling missing (which compaction would take for a
            // slot without records in that range).
            Path journal = journal(lake, name);
            Path pending = journal.resolveSibling(journal.getFileName() + ".tmp");
            StringBuilder moves = new StringBuilder();
            for (Path[] r : renames) {
                moves.append(lake.relativize(r[0]))
                        .append('\t')
                        .append(lake.relativize(r[1]))
                        .append('\n');
            }
            Files.writeString(pending, moves);
            Files.move(pending, journal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            for (Path[] r : renames) {
                move(r[0], r[1]);
            }
            Files.delete(journal);
            deleteTree(staging);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write to the lake " + lake + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot write Parquet to the lake " + lake + ": " + e.getMessage(), e);
        }
        return files;
    }

    private static Path journal(Path lake, String batch) {
        return lake.resolve(STAGING).resolve(batch + MOVES);
    }

    /** The suffix of a batch's journal of moves, in the staging folder. */
    private static final String MOVES = ".moves";

    /** Finishes the moves of every batch whose journal a crash left behind. */
    static void finishMoves(Path lake) throws IOException {
        Path staging = lake.resolve(STAGING);
        if (!Files.isDirectory(staging)) {
            return;
        }
        try (var journals = Files.newDirectoryStream(staging, "*" + MOVES)) {
            for (Path journal : journals) {
                for (String line : Files.readAllLines(journal)) {
                    String[] move = line.split("\t");
                    Path from = lake.resolve(move[0]);
                    if (move.length == 2 && Files.exists(from)) {
                        move(from, lake.resolve(move[1]));
                    }
                }
                Files.delete(journal);
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private void writeParquet(LogPartition partition, List<Entry> entries, Path staging)
            throws SQLException, IOException {
        // The batch reaches DuckDB as one newline-delimited JSON file, not value by value through JNI (which
        // cost three quarters of the time): the payload is JSON already and goes in as it is.
        Path lines = staging.resolveSibling(staging.getFileName() + ".ndjson");
        StringBuilder out = new StringBuilder(entries.size() * 512);
        for (Entry e : entries) {
            Event ev = e.event();
            out.append("{\"event_id\":\"")
                    .append(ev.id())
                    .append("\",\"type\":\"")
                    .append(ev.type().wire());
            out.append("\",\"version\":").append(ev.type().version()).append(",\"key\":");
            string(out, e.key());
            out.append(",\"log_offset\":").append(e.offset());
            out.append(",\"occurred_micros\":").append(ChronoUnit.MICROS.between(Instant.EPOCH, ev.time()));
            out.append(",\"merchant\":");
            string(out, ev.merchant().value());
            out.append(",\"aggregate_id\":");
            string(out, ev.aggregateId());
            out.append(",\"sequence\":").append(ev.sequence());
            out.append(",\"payload\":").append(ev.data()).append("}\n");
        }
        Files.writeString(lines, out);
        try (Statement s = duck.createStatement()) {
            s.execute("COPY (SELECT CAST(make_timestamp(occurred_micros) AS DATE) AS event_date,"
                    + " regexp_replace(type, '\\.v[0-9]+$', '') AS event_type, event_id, type, version, key,"
                    + " '" + partition.topic().replace("'", "''") + "' AS topic,"
                    + " CAST(" + partition.partition() + " AS INTEGER) AS log_partition, log_offset,"
                    + " make_timestamp(occurred_micros) AS occurred_at, merchant, aggregate_id, sequence, payload"
                    + " FROM read_json('" + lines.toString().replace("'", "''") + "', format = 'newline_delimited',"
                    + " maximum_object_size = 67108864, columns = {event_id: 'VARCHAR', type: 'VARCHAR',"
                    + " version: 'INTEGER', key: 'VARCHAR', log_offset: 'BIGINT', occurred_micros: 'BIGINT',"
                    + " merchant: 'VARCHAR', aggregate_id: 'VARCHAR', sequence: 'BIGINT', payload: 'JSON'})"
                    + " ORDER BY log_offset) TO '"
                    + staging.toString().replace("'", "''")
                    + "' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (event_date, event_type),"
                    + " FILENAME_PATTERN 'part')");
        } finally {
            Files.deleteIfExists(lines);
        }
    }

    /** A JSON string literal. */
    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
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
