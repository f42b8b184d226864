package dev.mercato.analytics.lake;

import dev.mercato.plane.consume.LogPartition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Merges the small files of one log partition into larger ones, with an in-memory DuckDB of its own.
 *
 * <p><b>What a merge may take.</b> Files are grouped by overlapping ranges (over every slot of the
 * partition), and a merge takes whole groups, consecutive in offset order: every file of the partition that
 * overlaps the merged range is an input. Each slot's inputs become one file named after the merged range.
 * That file holds every record of its slot in the range: a record inside any file's range is in a file of its
 * own slot whose range holds it (a batch is written whole, see {@link LakeWriter}, and a re-read writes only
 * records no file covers), and that file overlaps the range, so it is an input.
 *
 * <p><b>Levels,</b> so that a byte is rewritten a bounded number of times: level 1 merges the consumer's files
 * once they are {@code after} old; level 2 merges the files of one closed UTC hour (by the time they were
 * written), level 3 those of one closed UTC day. A merge holds about {@code targetBytes} of input at most, and
 * a merged file keeps the newest modification time of its inputs, so it stays in the hour it holds.
 *
 * <p><b>Crash safety.</b> A merged file is written under the staging folder (dropped on the next open), then
 * renamed into place: from that rename on it supersedes its inputs (see {@link LakeFile#supersedes}), which
 * every reader ignores and the next sweep deletes. Every step leaves each record in exactly one live file.
 * Not thread-safe, and the caller makes sure the partition's consumer writes nothing while it runs.
 */
final class Compactor implements AutoCloseable {

    static final int LEVELS = 3;

    /** A lake file with its size and modification time, what planning reads. */
    record Sized(LakeFile file, long bytes, Instant modified) {}

    /** One merge: every file of a partition inside [from, to]; one output per slot. */
    record Merge(LogPartition partition, long from, long to, int level, List<Sized> inputs) {

        Map<LakeFile.Slot, List<Sized>> bySlot() {
            Map<LakeFile.Slot, List<Sized>> slots = new TreeMap<>(
                    Comparator.comparing((LakeFile.Slot s) -> s.date()).thenComparing(LakeFile.Slot::type));
            for (Sized s : inputs) {
                slots.computeIfAbsent(s.file().slot(), k -> new ArrayList<>()).add(s);
            }
            slots.values()
                    .forEach(l -> l.sort(
                            Comparator.comparingLong((Sized s) -> s.file().from())));
            return slots;
        }
    }

    /** A merged file written to the staging folder, not yet in the lake. */
    record Staged(Path written, LakeFile file, List<LakeFile> inputs) {}

    /** What one run did: merges made, files written, files deleted. */
    record Done(int merges, int written, int deleted) {
        static final Done NONE = new Done(0, 0, 0);

        Done plus(Done o) {
            return new Done(merges + o.merges, written + o.written, deleted + o.deleted);
        }
    }

    private final Path lake;
    private final java.time.Duration after;
    private final long targetBytes;
    private Connection duck;

    Compactor(Path lake, java.time.Duration after, long targetBytes) {
        this.lake = lake;
        this.after = after;
        this.targetBytes = targetBytes;
    }

    /** Sweeps, then merges level by level what is due at {@code now}. */
    Done compact(LogPartition partition, List<LakeFile> files, Instant now) {
        List<Sized> current = sized(files);
        int deleted = sweep(current);
        Done done = new Done(0, 0, deleted);
        for (int level = 1; level <= LEVELS; level++) {
            for (Merge m : plan(current, level, now)) {
                List<Staged> staged = stage(m);
                List<LakeFile> published = publish(staged);
                List<Sized> outputs = sized(published);
                List<Sized> touched = new ArrayList<>(m.inputs());
                touched.addAll(outputs);
                int removed = sweep(touched);
                Set<String> live = new HashSet<>();
                touched.forEach(s -> live.add(s.file().path()));
                current.removeIf(
                        s -> m.inputs().contains(s) && !live.contains(s.file().path()));
                current.addAll(outputs);
                done = done.plus(new Done(1, published.size(), removed));
            }
        }
        return done;
    }

    /** The merges due at one level, over one partition's files. */
    List<Merge> plan(List<Sized> files, int level, Instant now) {
        Instant cutoff = now.minus(after);
        List<Sized> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparingLong((Sized s) -> s.file().from())
                .thenComparingLong(s -> s.file().to()));
        // Groups of overlapping ranges, in offset order: a merge takes whole groups.
        List<List<Sized>> groups = new ArrayList<>();
        long reach = Long.MIN_VALUE;
        for (Sized s : sorted) {
            if (groups.isEmpty() || s.file().from() > reach) {
                groups.add(new ArrayList<>());
            }
            groups.getLast().add(s);
            reach = Math.max(reach, s.file().to());
        }
        List<Merge> merges = new ArrayList<>();
        List<List<Sized>> run = new ArrayList<>();
        Instant runWindow = null;
        long end = Long.MIN_VALUE;
        for (List<Sized> g : groups) {
            Instant window = window(g, level, cutoff);
            long start = g.stream().mapToLong(s -> s.file().from()).min().orElseThrow();
            // A run stops at a group not due, at another window, and at a hole: offsets no file holds are most
            // likely records of nothing (a batch of undecodable records), but a batch lost whole would be
            // one too, and a merge across it would claim its records.
            if (window == null || !window.equals(runWindow) || start != end + 1) {
                chunk(run, level, merges);
                run = new ArrayList<>();
            }
            runWindow = window;
            end = g.stream().mapToLong(s -> s.file().to()).max().orElseThrow();
            if (window != null) {
                run.add(g);
            }
        }
        chunk(run, level, merges);
        return merges;
    }

    /**
     * The window every file of the group belongs to at this level, or null when the group is not due: one of
     * its files is too young, of a higher level or in a window not closed yet, or all are of this level already
     * (merged files are not merged again at their own level, which would rewrite them at every run).
     */
    private static Instant window(List<Sized> group, int level, Instant cutoff) {
        if (group.stream().allMatch(s -> s.file().level() >= level)) {
            return null;
        }
        Instant window = null;
        for (Sized s : group) {
            if (s.file().level() > level || s.modified().isAfter(cutoff)) {
                return null;
            }
            Instant w = switch (level) {
                case 1 -> Instant.EPOCH;
                case 2 -> s.modified().truncatedTo(ChronoUnit.HOURS);
                default -> s.modified().truncatedTo(ChronoUnit.DAYS);
            };
            Instant end = level == 1 ? w : w.plus(1, level == 2 ? ChronoUnit.HOURS : ChronoUnit.DAYS);
            if (end.isAfter(cutoff) || (window != null && !window.equals(w))) {
                return null;
            }
            window = w;
        }
        return window;
    }

    /** Cuts a run of consecutive groups into merges of about the target size; keeps those that merge files. */
    private void chunk(List<List<Sized>> run, int level, List<Merge> merges) {
        List<Sized> chunk = new ArrayList<>();
        long bytes = 0;
        for (List<Sized> g : run) {
            long size = g.stream().mapToLong(Sized::bytes).sum();
            if (!chunk.isEmpty() && bytes + size > targetBytes) {
                add(chunk, level, merges);
                chunk = new ArrayList<>();
                bytes = 0;
            }
            chunk.addAll(g);
            bytes += size;
        }
        add(chunk, level, merges);
    }

    private static void add(List<Sized> chunk, int level, List<Merge> merges) {
        if (chunk.isEmpty()) {
            return;
        }
        long from = chunk.stream().mapToLong(s -> s.file().from()).min().orElseThrow();
        long to = chunk.stream().mapToLong(s -> s.file().to()).max().orElseThrow();
        Merge m = new Merge(chunk.getFirst().file().partition(), from, to, level, List.copyOf(chunk));
        // Worth a merge when some slot has several files; one file per slot stays as it is.
        if (m.bySlot().values().stream().anyMatch(l -> l.size() > 1)) {
            merges.add(m);
        }
    }

    /**
     * Writes each slot's merged file to the staging folder. A slot whose one file already has the merged
     * range is left out.
     */
    List<Staged> stage(Merge m) {
        LogPartition p = m.partition();
        Path staging = lake.resolve(LakeWriter.STAGING)
                .resolve("compact-" + p.topic() + "-" + p.partition() + "-" + m.from() + "-" + m.to());
        List<Staged> staged = new ArrayList<>();
        try {
            LakeWriter.deleteTree(staging);
            Files.createDirectories(staging);
            int n = 0;
            for (Map.Entry<LakeFile.Slot, List<Sized>> e : m.bySlot().entrySet()) {
                List<Sized> inputs = e.getValue();
                LakeFile first = inputs.getFirst().file();
                if (inputs.size() == 1 && first.from() == m.from() && first.to() == m.to()) {
                    continue;
                }
                LakeFile out = LakeFile.of(e.getKey().date(), e.getKey().type(), p, m.from(), m.to(), m.level());
                Path written = staging.resolve((n++) + ".parquet");
                merge(inputs, written);
                Instant newest = inputs.stream()
                        .map(Sized::modified)
                        .max(Comparator.naturalOrder())
                        .orElseThrow();
                Files.setLastModifiedTime(written, FileTime.from(newest));
                staged.add(new Staged(
                        written, out, inputs.stream().map(Sized::file).toList()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot merge lake files of " + p + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot merge lake files of " + p + ": " + e.getMessage(), e);
        }
        return staged;
    }

    private void merge(List<Sized> inputs, Path written) throws SQLException {
        StringBuilder list = new StringBuilder("[");
        boolean ordered = true;
        long end = Long.MIN_VALUE;
        for (Sized s : inputs) {
            if (list.length() > 1) {
                list.append(", ");
            }
            list.append('\'').append(quote(s.file().in(lake).toString())).append('\'');
            ordered &= s.file().from() > end;
            end = s.file().to();
        }
        list.append(']');
        try (Statement s = duck().createStatement()) {
            long expected;
            try (ResultSet rs =
                    s.executeQuery("SELECT coalesce(sum(num_rows), 0) FROM parquet_file_metadata(" + list + ")")) {
                rs.next();
                expected = rs.getLong(1);
            }
            // Disjoint inputs in offset order are already in offset order; only overlapping ones need a sort.
            long copied = s.executeUpdate("COPY (SELECT * FROM read_parquet(" + list
                    + ", hive_partitioning = false, union_by_name = true)"
                    + (ordered ? "" : " ORDER BY log_offset") + ") TO '" + quote(written.toString())
                    + "' (FORMAT parquet, COMPRESSION zstd)");
            if (copied != expected) {
                throw new IllegalStateException(
                        "a merge of " + inputs.size() + " files wrote " + copied + " rows of " + expected);
            }
        }
    }

    /**
     * Renames staged files into the lake, one at a time: each supersedes its slot's inputs from its rename on,
     * so a crash between two renames leaves some slots merged and the others as they were, both whole.
     */
    List<LakeFile> publish(List<Staged> staged) {
        List<LakeFile> published = new ArrayList<>();
        try {
            for (Staged s : staged) {
                Path target = s.file().in(lake);
                Files.createDirectories(target.getParent());
                Files.move(s.written(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                published.add(s.file());
            }
            if (!staged.isEmpty()) {
                LakeWriter.deleteTree(staged.getFirst().written().getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot move a merged file into the lake: " + e.getMessage(), e);
        }
        return published;
    }

    /** Deletes the files another of them supersedes; returns how many. */
    int sweep(List<Sized> files) {
        Set<String> live = new HashSet<>();
        for (LakeFile f : LakeFile.live(files.stream().map(Sized::file).toList())) {
            live.add(f.path());
        }
        int deleted = 0;
        for (Sized s : files) {
            if (!live.contains(s.file().path())) {
                try {
                    if (Files.deleteIfExists(s.file().in(lake))) {
                        deleted++;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot delete a merged lake file: " + e.getMessage(), e);
                }
            }
        }
        files.removeIf(s -> !live.contains(s.file().path()));
        return deleted;
    }

    /** Deletes every superseded file of the lake: what a crash between a merge and its deletes left. */
    static int sweep(Path lake) {
        Compactor c = new Compactor(lake, java.time.Duration.ZERO, 0);
        return c.sweep(new ArrayList<>(c.sized(LakeFile.list(lake))));
    }

    List<Sized> sized(List<LakeFile> files) {
        List<Sized> out = new ArrayList<>(files.size());
        Map<String, LakeFile> unique = new LinkedHashMap<>();
        files.forEach(f -> unique.putIfAbsent(f.path(), f));
        for (LakeFile f : unique.values()) {
            try {
                BasicFileAttributes a = Files.readAttributes(f.in(lake), BasicFileAttributes.class);
                out.add(new Sized(f, a.size(), a.lastModifiedTime().toInstant()));
            } catch (NoSuchFileException gone) {
                // Listed, then deleted by an earlier sweep: nothing to merge.
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + f.path() + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private Connection duck() throws SQLException {
        if (duck == null) {
            Connection c = DriverManager.getConnection("jdbc:duckdb:");
            try (Statement s = c.createStatement()) {
                // Merging streams row groups from the inputs to the output; beside the platform's other
                // stores it gets one thread and a bounded share of memory.
                s.execute("SET threads = 1");
                s.execute("SET memory_limit = '512MB'");
                s.execute("SET preserve_insertion_order = true");
                s.execute("SET autoinstall_known_extensions = false");
                s.execute("SET autoload_known_extensions = false");
            }
            duck = c;
        }
        return duck;
    }

    private static String quote(String s) {
        return s.replace("'", "''");
    }

    @Override
    public void close() {
        if (duck != null) {
            try {
                duck.close();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            duck = null;
        }
    }
}
