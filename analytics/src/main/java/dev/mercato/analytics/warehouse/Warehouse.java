package dev.mercato.analytics.warehouse;

import dev.mercato.analytics.lake.LakeFile;
import java.io.IOException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.duckdb.DuckDBConnection;

/**
 * The star schema in one DuckDB file, refreshed incrementally from the lake: a refresh loads the live lake
 * files (those no merged file supersedes) not loaded yet, their paths and row counts recorded with the rows in
 * one transaction, and skips every event already in a fact, so a file loaded twice or an event in two files
 * changes nothing. A merged file that supersedes loaded files holding as many rows as it does holds exactly
 * their rows: it is recorded in their place without being read; otherwise it is loaded like any new file.
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
        List<LakeFile> pending = pending();
        try {
            return load(pending, true);
        } catch (RuntimeException e) {
            // Compaction merged some of them and deleted them between the listing and the read: list again.
            if (pending.stream().allMatch(f -> Files.exists(f.in(lake)))) {
                throw e;
            }
            return load(pending(), true);
        }
    }

    /** Live lake files (no merged file supersedes them) not loaded into the warehouse yet. */
    public synchronized List<LakeFile> pending() {
        Set<String> loaded = loaded().keySet();
        return LakeFile.live(LakeFile.list(lake)).stream()
                .filter(f -> !loaded.contains(f.path()))
                .toList();
    }

    /** The loaded files' paths and rows (null for files loaded before rows were recorded). */
    private Map<String, Long> loaded() {
        Map<String, Long> loaded = new HashMap<>();
        try (Statement s = writer.createStatement();
                ResultSet rs = s.executeQuery("SELECT path, row_count FROM lake_file")) {
            while (rs.next()) {
                long rows = rs.getLong(2);
                loaded.put(rs.getString(1), rs.wasNull() ? null : rows);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the warehouse's loaded files: " + e.getMessage(), e);
        }
        return loaded;
    }

    private Refreshed load(List<LakeFile> files, boolean log) {
        Map<String, Long> loaded = loaded();
        Map<LakeFile.Slot, List<LakeFile>> loadedBySlot = new HashMap<>();
        for (String path : loaded.keySet()) {
            LakeFile.parse(path)
                    .ifPresent(f -> loadedBySlot
                            .computeIfAbsent(f.slot(), k -> new ArrayList<>())
                            .add(f));
        }
        // The loaded files each merged file supersedes: forgotten when it is recorded.
        Map<String, List<String>> superseded = new HashMap<>();
        List<LakeFile> merged = new ArrayList<>();
        for (LakeFile f : files) {
            if (f.level() == 0) {
                continue; // only merged files supersede
            }
            List<String> held = loadedBySlot.getOrDefault(f.slot(), List.of()).stream()
                    .filter(f::supersedes)
                    .map(LakeFile::path)
                    .toList();
            if (!held.isEmpty()) {
                superseded.put(f.path(), held);
                merged.add(f);
            }
        }
        List<LakeFile> adopted = new ArrayList<>();
        if (!merged.isEmpty()) {
            Map<String, Long> rows = rows(merged);
            for (LakeFile f : merged) {
                long held = 0;
                boolean known = true;
                for (String path : superseded.get(f.path())) {
                    Long r = loaded.get(path);
                    known &= r != null;
                    held += r == null ? 0 : r;
                }
                Long rowsOfMerged = rows.get(f.path());
                if (known && rowsOfMerged != null && rowsOfMerged == held) {
                    adopted.add(f);
                }
            }
            adopt(adopted, rows, superseded);
        }
        List<LakeFile> toLoad = new ArrayList<>(files);
        toLoad.removeAll(adopted);
        int loadedFiles = adopted.size();
        long events = 0;
        for (int i = 0; i < toLoad.size(); i += FILES_PER_LOAD) {
            List<LakeFile> chunk = toLoad.subList(i, Math.min(toLoad.size(), i + FILES_PER_LOAD));
            events += loadChunk(chunk, superseded);
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

    /** The files' rows, by path relative to the lake, from their Parquet footers. */
    private Map<String, Long> rows(List<LakeFile> files) {
        Map<String, LakeFile> byName = new HashMap<>();
        files.forEach(f -> byName.put(f.in(lake).toString(), f));
        Map<String, Long> rows = new HashMap<>();
        try (Statement s = writer.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT file_name, num_rows FROM parquet_file_metadata(" + list(files) + ")")) {
            while (rs.next()) {
                LakeFile f = byName.get(rs.getString(1));
                if (f != null) {
                    rows.put(f.path(), rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read lake files' row counts: " + e.getMessage(), e);
        }
        return rows;
    }

    /** Records merged files whose rows the warehouse holds already, in place of the files they supersede. */
    private void adopt(List<LakeFile> files, Map<String, Long> rows, Map<String, List<String>> superseded) {
        if (files.isEmpty()) {
            return;
        }
        try {
            writer.setAutoCommit(false);
            try {
                record(files, rows, superseded);
                writer.commit();
            } catch (SQLException | RuntimeException e) {
                writer.rollback();
                throw e;
            } finally {
                writer.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot record merged lake files: " + e.getMessage(), e);
        }
    }

    private void record(List<LakeFile> files, Map<String, Long> rows, Map<String, List<String>> superseded)
            throws SQLException {
        // Set-based statements of many rows each: DuckDB's JDBC batch runs one statement per row, which took
        // seconds for the thousands of small files one merge supersedes.
        List<String> values = new ArrayList<>();
        List<String> forget = new ArrayList<>();
        for (LakeFile f : files) {
            Long r = rows.get(f.path());
            values.add("('" + quote(f.path()) + "', DATE '" + f.date() + "', " + (r == null ? "NULL" : r) + ")");
            for (String path : superseded.getOrDefault(f.path(), List.of())) {
                forget.add("'" + quote(path) + "'");
            }
        }
        Timestamp now = Timestamp.from(clock.instant());
        for (int i = 0; i < values.size(); i += 1000) {
            try (PreparedStatement p =
                    writer.prepareStatement("INSERT OR REPLACE INTO lake_file (path, event_date, loaded_at, row_count)"
                            + " SELECT path, event_date, ?, row_count FROM (VALUES "
                            + String.join(", ", values.subList(i, Math.min(values.size(), i + 1000)))
                            + ") v(path, event_date, row_count)")) {
                p.setTimestamp(1, now);
                p.executeUpdate();
            }
        }
        try (Statement s = writer.createStatement()) {
            for (int i = 0; i < forget.size(); i += 1000) {
                s.execute("DELETE FROM lake_file WHERE path IN ("
                        + String.join(", ", forget.subList(i, Math.min(forget.size(), i + 1000))) + ")");
            }
        }
    }

    private String list(List<LakeFile> files) {
        StringBuilder list = new StringBuilder("[");
        for (LakeFile f : files) {
            if (list.length() > 1) {
                list.append(", ");
            }
            list.append('\'').append(quote(f.in(lake).toString())).append('\'');
        }
        return list.append(']').toString();
    }

    private long loadChunk(List<LakeFile> chunk, Map<String, List<String>> superseded) {
        String list = list(chunk);
        Map<String, Long> rows = rows(chunk);
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
                record(chunk, rows, superseded);
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
