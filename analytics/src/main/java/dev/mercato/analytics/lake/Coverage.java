package dev.mercato.analytics.lake;

import dev.mercato.plane.consume.LogPartition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Which log offsets the lake already holds, read from its file names. A record whose offset is covered is
 * never written again, which is what makes re-ingesting a range (a restart, a re-read for repair) write
 * nothing twice. Not thread-safe: the lake's consumer owns it.
 */
final class Coverage {

    // Per partition: range start -> range end (inclusive); ranges never overlap nor touch.
    private final Map<LogPartition, TreeMap<Long, Long>> ranges = new HashMap<>();

    /** Reads every finished file under the lake; temporary files left by a crash are removed. */
    static Coverage scan(Path lake) {
        Coverage coverage = new Coverage();
        for (LakeFile f : files(lake)) {
            coverage.add(f.partition(), f.from(), f.to());
        }
        return coverage;
    }

    /** Every finished file of the lake, sorted by path; deletes leftovers of interrupted writes. */
    static List<LakeFile> files(Path lake) {
        if (!Files.isDirectory(lake)) {
            return List.of();
        }
        List<LakeFile> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(lake)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(".tmp")) {
                    Files.deleteIfExists(p);
                    continue;
                }
                LakeFile.parse(lake.relativize(p).toString()).ifPresent(found::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the lake " + lake + ": " + e.getMessage(), e);
        }
        found.sort(java.util.Comparator.comparing(LakeFile::path));
        return found;
    }

    /** Adds [from, to], merging it with the ranges it overlaps or touches, so a lookup is one floor search. */
    void add(LogPartition partition, long from, long to) {
        TreeMap<Long, Long> r = ranges.computeIfAbsent(partition, p -> new TreeMap<>());
        long start = from;
        long end = to;
        Map.Entry<Long, Long> before = r.floorEntry(start);
        if (before != null && before.getValue() >= start - 1) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
        }
        Map.Entry<Long, Long> next = r.ceilingEntry(start);
        while (next != null && next.getKey() <= end + 1) {
            end = Math.max(end, next.getValue());
            r.remove(next.getKey());
            next = r.ceilingEntry(start);
        }
        r.put(start, end);
    }

    boolean covers(LogPartition partition, long offset) {
        TreeMap<Long, Long> r = ranges.get(partition);
        Map.Entry<Long, Long> e = r == null ? null : r.floorEntry(offset);
        return e != null && e.getValue() >= offset;
    }

    /** The next offset after the highest covered one, where a restart resumes; empty when none is. */
    Optional<Long> resumeAt(LogPartition partition) {
        TreeMap<Long, Long> r = ranges.get(partition);
        if (r == null || r.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(r.lastEntry().getValue() + 1);
    }
}
