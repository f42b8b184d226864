package dev.mercato.plane.consume;

import java.time.Duration;
import java.time.Instant;

/**
 * What this process knows of one partition's progress, for freshness; written by the consumer thread.
 * Public for views that run outside the runtime, so every view computes lag the same way.
 */
public final class PartitionProgress {

    private final LogPartition partition;
    private long applied;
    private long logEnd = -1;
    private Instant oldestWaiting;
    private Instant behindSince;
    private Instant lastAppliedAt;

    public PartitionProgress(LogPartition partition, long applied) {
        this.partition = partition;
        this.applied = applied;
    }

    public synchronized long applied() {
        return applied;
    }

    /** Records up to {@code nextOffset} (exclusive) are applied and visible to readers. */
    public synchronized void applied(long nextOffset, Instant now) {
        applied = Math.max(applied, nextOffset);
        lastAppliedAt = now;
        if (applied >= logEnd) {
            behindSince = null;
        }
    }

    /** The log end as last seen, and the timestamp of the oldest record fetched but not applied (or null). */
    public synchronized void observed(long end, Instant waiting, Instant now) {
        logEnd = Math.max(logEnd, end);
        oldestWaiting = waiting;
        if (logEnd > applied && behindSince == null) {
            behindSince = now;
        } else if (logEnd <= applied) {
            behindSince = null;
        }
    }

    /**
     * Lag in time is the age of the record at the applied position. Before that record is fetched its
     * timestamp is unknown, so the time since lag was first seen stands in (a lower bound).
     */
    public synchronized PartitionFreshness freshness(ViewState runner, Instant now) {
        long end = Math.max(logEnd, applied);
        long lag = end - applied;
        long lagMillis = 0;
        if (lag > 0) {
            Instant oldest = oldestWaiting != null ? oldestWaiting : behindSince;
            lagMillis = oldest == null
                    ? 0
                    : Math.max(0, Duration.between(oldest, now).toMillis());
        }
        ViewState state = runner != ViewState.RUNNING ? runner : lag > 0 ? ViewState.CATCHING_UP : ViewState.RUNNING;
        return new PartitionFreshness(
                partition.topic(), partition.partition(), applied, end, lag, lagMillis, lastAppliedAt, state);
    }
}
