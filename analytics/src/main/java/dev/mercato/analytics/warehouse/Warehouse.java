package dev.mercato.analytics.warehouse;

import dev.mercato.analytics.lake.LakeFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;

/**
 * The star schema in one DuckDB file, refreshed incrementally from the lake: a refresh loads the lake
 * files not loaded yet (their paths are recorded with the rows, in one transaction) and skips every event
 * already in a fact, so a file loaded twice or an event in two files changes nothing.
 *
 * <p>The database can read no file outside the lake and its own spill folder ({@code
 * enable_external_access=false} with the lake as the one allowed directory): what a reader's SQL can
 * reach is the warehouse and the lake, never the machine. Its memory, threads and spill space are
 * bounded, and once it is open its configuration is locked, so no statement can lift any of this.
 */
public final class Warehouse implements AutoCloseable {

    /** How many lake files one refresh transaction loads at most. */
    private static final int FILES_PER_LOAD = 2000;

    private final Path lake;
    private final DuckDBConnection writer;
    private final Clock clock;
    private volatile Instant lastRefresh;

    private Warehouse(Path lake, DuckDBConnection writer, Clock clock) {
        this.lake = lake;
        this.writer = writer;
        this.clock = clock;
    }

    /**
     * What the whole DuckDB instance may use, the refresh and every reader together: DuckDB has no limit
     * per connection, so these bound an admin's heaviest statement as much as they bound the load.
     *
     * @param memoryBytes DuckDB's {@code memory_limit}; past it, operators spill or the statement fails
     * @param threads DuckDB's worker threads
     * @param spillBytes DuckDB's {@code max_temp_directory_size}: the spill folder cannot fill the disk
     */
    public record Limits(long memoryBytes, int threads, long spillBytes) {

        public static final Limits DEFAULT = new Limits(2L << 30, 2, 4L << 30);

        public Limits {
            if (memoryBytes < (64L << 20) || threads < 1 || spillBytes < 0) {
                throw new IllegalArgumentException("the warehouse needs at least 64 MiB of memory and one thread, got "
                        + memoryBytes + " bytes, " + threads + " threads");
            }
        }
    }

    /** Opens (or creates) the warehouse file beside nothing else but its spill folder, with the default limits. */
    public static Warehouse open(Path file, Path lake, Clock clock) {
        return open(file, lake, clock, Limits.DEFAULT);
    }

    /** Opens (or creates) the warehouse file beside nothing else but its spill folder. */
    public static Warehouse open(Path file, Path lake, Clock clock, Limits limits) {
        try {
            Path root = lake.toAbsolutePath().normalize();
            Files.createDirectories(root);
            Path db = file.toAbsolutePath().normalize();
            Files.createDirectories(db.getParent());
            Path spill = db.resolveSibling(db.getFileName() + ".spill");
            Files.createDirectories(spill);
            Connection c = DriverManager.getConnection("jdbc:duckdb:" + db);
            try (Statement s = c.createStatement()) {
                s.execute("SET temp_directory = '" + quote(spill.toString()) + "'");
                s.execute("SET allowed_directories = ['" + quote(root + "/") + "', '" + quote(spill + "/") + "']");
                s.execute("SET enable_external_access = false");
                s.execute("SET autoinstall_known_extensions = false");
                s.execute("SET autoload_known_extensions = false");
                s.execute("SET memory_limit = '" + limits.memoryBytes() + "B'");
                s.execute("SET threads = " + limits.threads());
                s.execute("SET max_temp_directory_size = '" + limits.spillBytes() + "B'");
                // Times with a zone print in UTC, as every time in the warehouse is.
                s.execute("SET TimeZone = 'UTC'");
                StarSchema.create(s);
                // Last: from here no SET, RESET or PRAGMA of any connection can change a setting above.
                s.execute("SET lock_configuration = true");
            }
            Warehouse w = new Warehouse(root, c.unwrap(DuckDBConnection.class), clock);
            w.lastRefresh = w.readLastRefresh();
            return w;
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Cannot open the warehouse " + file + ": " + e.getMessage(), e);
        }
    }

    static String quote(String s) {
        return s.replace("'", "''");
    }

    public Path lake() {
        return lake;
    }

    /** A new connection on the warehouse, for one reader; the caller closes it. */
    public Connection connection() throws SQLException {
        return writer.duplicate();
    }

    /** When the last refresh finished (loaded something or found nothing new), or empty before the first. */
    public Optional<Instant> lastRefresh() {
        return Optional.ofNullable(lastRefresh);
    }

    /** What one refresh did. */
    public record Refreshed(int files, long events) {}

    /** Loads every lake file not loaded yet; returns what it loaded. */
    public synchronized Refreshed refresh() {
        return load(pending(), true);
    }

    /** Lake files not loaded into the warehouse yet. */
    public synchronized List<LakeFile> pending() {
        Set<String> loaded = new HashSet<>();
        try (Statement s = writer.createStatement();
                ResultSet rs = s.executeQuery("SELECT path FROM lake_file")) {
            while (rs.next()) {
                loaded.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the warehouse's loaded files: " + e.getMessage(), e);
        }
        return lakeFiles().stream().filter(f -> !loaded.contains(f.path())).toList();
    }

    private List<LakeFile> lakeFiles() {
        List<LakeFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(lake)) {
            walk.filter(Files::isRegularFile)
                    .map(p -> LakeFile.parse(lake.relativize(p).toString()))
                    .flatMap(Optional::stream)
                    .forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the lake " + lake + ": " + e.getMessage(), e);
        }
        files.sort(java.util.Comparator.comparing(LakeFile::path));
        return files;
    }

    private Refreshed load(List<LakeFile> files, boolean log) {
        int loadedFiles = 0;
        long events = 0;
        for (int i = 0; i < files.size(); i += FILES_PER_LOAD) {
            List<LakeFile> chunk = files.subList(i, Math.min(files.size(), i + FILES_PER_LOAD));
            events += loadChunk(chunk);
            loadedFiles += chunk.size();
        }
        Instant now = clock.instant();
        if (log) {
            try (PreparedStatement p = writer.prepareStatement("INSERT INTO refresh_log VALUES (?, ?, ?)")) {
                p.setTimestamp(1, Timestamp.from(now));
                p.setInt(2, loadedFiles);
                p.setLong(3, events);
                p.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot record the refresh: " + e.getMessage(), e);
            }
        }
        lastRefresh = now;
        return new Refreshed(loadedFiles, events);
    }

    private long loadChunk(List<LakeFile> chunk) {
        StringBuilder list = new StringBuilder("[");
        for (LakeFile f : chunk) {
            if (list.length() > 1) {
                list.append(", ");
            }
            list.append('\'').append(quote(f.in(lake).toString())).append('\'');
        }
        list.append(']');
        try (Statement s = writer.createStatement()) {
            writer.setAutoCommit(false);
            try {
                // One row per event even when two files hold it (a file rewritten over a covered range).
                s.execute("CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM read_parquet(" + list
                        + ", union_by_name = true, hive_partitioning = false)"
                        + " QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY log_offset) = 1");
                long events;
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM stage")) {
                    rs.next();
                    events = rs.getLong(1);
                }
                for (String sql : StarSchema.LOAD) {
                    s.execute(sql);
                }
                for (String sql : StarSchema.DIMENSIONS) {
                    s.execute(sql);
                }
                try (PreparedStatement p =
                        writer.prepareStatement("INSERT OR REPLACE INTO lake_file VALUES (?, ?, ?)")) {
                    Timestamp now = Timestamp.from(clock.instant());
                    for (LakeFile f : chunk) {
                        p.setString(1, f.path());
                        p.setObject(2, f.date());
                        p.setTimestamp(3, now);
                        p.addBatch();
                    }
                    p.executeBatch();
                }
                s.execute("DROP TABLE stage");
                writer.commit();
                return events;
            } catch (SQLException | RuntimeException e) {
                writer.rollback();
                throw e;
            } finally {
                writer.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot load lake files into the warehouse: " + e.getMessage(), e);
        }
    }

    /**
     * Forgets one date of the warehouse (its facts and which of its lake files were loaded) and loads that
     * date's lake files again: the repair for a date whose totals drifted from the source of truth.
     */
    public synchronized Refreshed reloadDate(LocalDate date) {
        try (Statement s = writer.createStatement()) {
            writer.setAutoCommit(false);
            try {
                for (String fact : StarSchema.FACTS) {
                    s.execute("DELETE FROM " + fact + " WHERE date_key = DATE '" + date + "'");
                }
                s.execute("DELETE FROM lake_file WHERE event_date = DATE '" + date + "'");
                writer.commit();
            } catch (SQLException e) {
                writer.rollback();
                throw e;
            } finally {
                writer.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot clear " + date + " in the warehouse: " + e.getMessage(), e);
        }
        return load(pending().stream().filter(f -> f.date().equals(date)).toList(), true);
    }

    /** Runs one writing statement on the warehouse (tests, the generator's bulk mode, benchmarks). */
    public synchronized void execute(String sql) {
        try (Statement s = writer.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private Instant readLastRefresh() throws SQLException {
        try (Statement s = writer.createStatement();
                ResultSet rs = s.executeQuery("SELECT max(refreshed_at) FROM refresh_log")) {
            rs.next();
            Timestamp t = rs.getTimestamp(1);
            return t == null ? null : t.toInstant();
        }
    }

    @Override
    public synchronized void close() {
        try {
            writer.close();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
