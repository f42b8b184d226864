package dev.mercato.analytics.lake;

import dev.mercato.plane.consume.LogPartition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One Parquet file of the lake. Its path says everything the lake needs to know without opening it: the
 * events' date and type (the Hive-style folders), the log range it covers (the name) and, for a file that
 * compaction merged, its level, so the file names are the lake's checkpoint.
 *
 * <p>A merged file (level 1 and up) holds every record of its slot (partition, date, type) whose offset lies
 * in its range (see {@code Compactor}). So a merged file whose range contains another file's range in the same
 * slot holds all of that file's records: it <em>supersedes</em> it, and the lake, the warehouse and compaction
 * read only the files no other supersedes ({@link #live}). A merge is therefore visible all at once (the merged
 * file's rename), and the inputs it leaves behind until they are deleted are ignored. A file the consumer
 * wrote supersedes nothing: its range may span records of its slot that other files already held (a re-read
 * writes only what no file covers).
 *
 * @param path relative to the lake root, with forward slashes: {@code
 *     event_date=2026-12-01/event_type=orders.order-placed/mercato.orders-3-120-180.parquet}, or {@code
 *     ...-120-980.c1.parquet} for a file compaction wrote at level 1
 * @param level 0 for a file the consumer wrote, 1 to 3 for one that compaction merged
 */
public record LakeFile(
        String path, LocalDate date, String type, LogPartition partition, long from, long to, int level) {

    /** Where a record's file lives: its partition, the event's date and type. */
    public record Slot(LogPartition partition, LocalDate date, String type) {}

    private static final Pattern PATH = Pattern.compile(
            "event_date=(\\d{4}-\\d{2}-\\d{2})/event_type=([a-z0-9.-]+)/(.+)-(\\d+)-(\\d+)-(\\d+)(?:\\.c([1-9]))?\\.parquet");

    public static LakeFile of(LocalDate date, String type, LogPartition partition, long from, long to) {
        return of(date, type, partition, from, to, 0);
    }

    public static LakeFile of(LocalDate date, String type, LogPartition partition, long from, long to, int level) {
        String path = "event_date=" + date + "/event_type=" + type + "/" + partition.topic() + "-"
                + partition.partition() + "-" + from + "-" + to + (level == 0 ? "" : ".c" + level) + ".parquet";
        return new LakeFile(path, date, type, partition, from, to, level);
    }

    /** Parses a path relative to the lake root; empty for anything that is not a finished lake file. */
    public static Optional<LakeFile> parse(String relative) {
        Matcher m = PATH.matcher(relative.replace('\\', '/'));
        if (!m.matches()) {
            return Optional.empty();
        }
        LogPartition partition = new LogPartition(m.group(3), Integer.parseInt(m.group(4)));
        return Optional.of(new LakeFile(
                m.group(0),
                LocalDate.parse(m.group(1)),
                m.group(2),
                partition,
                Long.parseLong(m.group(5)),
                Long.parseLong(m.group(6)),
                m.group(7) == null ? 0 : Integer.parseInt(m.group(7))));
    }

    public Path in(Path lake) {
        return lake.resolve(path);
    }

    public Slot slot() {
        return new Slot(partition, date, type);
    }

    /**
     * Whether this file holds every record {@code other} holds: a merged file of the same slot whose range
     * contains the other's.
     */
    public boolean supersedes(LakeFile other) {
        if (level == 0
                || !slot().equals(other.slot())
                || path.equals(other.path)
                || from > other.from
                || to < other.to) {
            return false;
        }
        // Equal ranges: the merged (higher level) file wins; two files of one level and range are one path.
        return from < other.from || to > other.to || level > other.level;
    }

    /** Every finished file of the lake, sorted by path (staging folders hold no lake files). */
    public static List<LakeFile> list(Path lake) {
        if (!Files.isDirectory(lake)) {
            return List.of();
        }
        List<LakeFile> found = new ArrayList<>();
        // Only the date folders: the staging folder beside them changes while it is read.
        try (var dates = Files.newDirectoryStream(lake, "event_date=*")) {
            for (Path date : dates) {
                try (Stream<Path> walk = Files.walk(date)) {
                    walk.filter(Files::isRegularFile)
                            .map(p -> parse(lake.relativize(p).toString()))
                            .flatMap(Optional::stream)
                            .forEach(found::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the lake " + lake + ": " + e.getMessage(), e);
        }
        found.sort(Comparator.comparing(LakeFile::path));
        return found;
    }

    /** The files no other file of the collection supersedes, in the collection's order. */
    public static List<LakeFile> live(Collection<LakeFile> files) {
        Map<Slot, List<LakeFile>> bySlot = new HashMap<>();
        for (LakeFile f : files) {
            bySlot.computeIfAbsent(f.slot(), s -> new ArrayList<>()).add(f);
        }
        java.util.Set<String> superseded = new java.util.HashSet<>();
        for (List<LakeFile> slot : bySlot.values()) {
            // By start, the widest (then the highest level) first: a file is contained in an earlier merged one
            // exactly when the furthest end of the merged files seen so far reaches its end.
            slot.sort(Comparator.comparingLong(LakeFile::from)
                    .thenComparing(Comparator.comparingLong(LakeFile::to).reversed())
                    .thenComparing(Comparator.comparingInt(LakeFile::level).reversed()));
            long reach = Long.MIN_VALUE;
            for (LakeFile f : slot) {
                if (reach >= f.to) {
                    superseded.add(f.path);
                }
                if (f.level > 0) {
                    reach = Math.max(reach, f.to);
                }
            }
        }
        return files.stream().filter(f -> !superseded.contains(f.path)).toList();
    }
}
