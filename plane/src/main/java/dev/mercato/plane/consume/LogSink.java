package dev.mercato.plane.consume;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What a subscription reports to, always from its one consumer thread. The sink owns positions: it says
 * where each assigned partition starts and handles each record durably before the next one.
 */
public interface LogSink {

    /**
     * Partitions were assigned. Returns where to start reading each of them; a partition missing from the
     * result starts at the beginning of the log.
     */
    Map<LogPartition, Long> assigned(Collection<LogPartition> partitions);

    /** Partitions were revoked or lost; records not yet handled for them are dropped by the caller. */
    void revoked(Collection<LogPartition> partitions);

    /** Whether to hand over records now; while false the subscription keeps what it fetched and waits. */
    boolean accepting();

    /**
     * Handles consecutive records of one partition durably (each applied, skipped as a duplicate or parked)
     * and returns; the partition's next records follow only then. Throws only when the sink is stopping,
     * in which case any prefix of the records may have been handled.
     */
    void accept(List<LogRecord> records);

    /**
     * The partition's end offset as last seen, and the timestamp of the oldest record fetched but not yet
     * handed over, or null when none is buffered.
     */
    void observed(LogPartition partition, long logEnd, Instant oldestWaiting);
}
