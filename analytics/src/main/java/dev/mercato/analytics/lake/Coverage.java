package dev.mercato.analytics.lake;

import dev.mercato.plane.consume.LogPartition;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which log offsets the lake already holds, read from its file names. A record is covered when the file
 * of its own date and type for a range holding its offset exists: one batch writes one file per date and
 * type, all named with the batch's range, so a lost file leaves its records uncovered even though its
 * siblings name the same range. A covered record is never written again, which is what makes re-ingesting
 * a range (a restart, a re-read for repair) write nothing twice. A merged file covers its whole range in its
 * slot (see {@link LakeFile}): its inputs were every file of the partition inside that range, so the offsets
 * between them hold no record of its slot. Not thread-safe: the lake's consumer owns it.
 */
final class Coverage {

    // Per slot: range start -> range end (inclusive); ranges never overlap nor touch.
    private final Map<LakeFile.Slot, TreeMap<Long, Long>> ranges = new HashMap<>();
    private final Map<LogPartition, Long> highest = new HashMap<>();

    /** Reads every finished file under the lake. */
    static Coverage scan(Path lake) {
        Coverage coverage = new Coverage();
        for (LakeFile f : files(lake)) {
            coverage.add(f);
        }
        return coverage;
    }

    /** Every finished file of the lake, sorted by path (the staging folder's files are not lake files). */
    static List<LakeFile> files(Path lake) {
        return LakeFile.list(lake);
    }

    void add(LakeFile f) {
        add(f.slot(), f.from(), f.to());
    }

    /** Adds [from, to], merging it with the ranges it overlaps or touches, so a lookup is one floor search. */
    void add(LakeFile.Slot slot, long from, long to) {
        highest.merge(slot.partition(), to, Math::max);
        TreeMap<Long, Long> r = ranges.computeIfAbsent(slot, p -> new TreeMap<>());
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

    boolean covers(LakeFile.Slot slot, long offset) {
        TreeMap<Long, Long> r = ranges.get(slot);
        Map.Entry<Long, Long> e = r == null ? null : r.floorEntry(offset);
        return e != null && e.getValue() >= offset;
    }

    /** The next offset after the highest covered one, where a restart resumes; empty when none is. */
    Optional<Long> resumeAt(LogPartition partition) {
        return Optional.ofNullable(highest.get(partition)).map(h -> h + 1);
    }
}
