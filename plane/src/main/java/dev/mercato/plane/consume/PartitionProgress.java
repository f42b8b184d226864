package dev.mercato.plane.consume;

import java.time.Duration;
import java.time.Instant;

/**
 * What this process knows of one partition's progress, for freshness; written by the consumer thread.
 * Public for views that run outside the runtime, so every view computes lag the same way.
 *
 * <p>It claims no more than it saw: until the partition's log end has been read the lag is unknown, and a
 * partition found behind when it was assigned has an unknown lag in time until the record at its applied
 * position has been fetched (its timestamp is the lag's start).
 */
public final class PartitionProgress {

    private final LogPartition partition;
    private long applied;
    private long logEnd = ViewFreshness.UNKNOWN;
    // The first log end read since assignment: reaching it means the view has started consuming.
    private long firstEnd = ViewFreshness.UNKNOWN;
    private Instant oldestWaiting;
    // When the partition was first seen behind after this process had seen it caught up; null otherwise.
    private Instant behindSince;
    private boolean seenCaughtUp;
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
        if (logEnd >= 0 && applied >= logEnd) {
            seenCaughtUp = true;
            behindSince = null;
        }
    }

    /**
     * The log end as last seen ({@link ViewFreshness#UNKNOWN} when it could not be read), and the timestamp
     * of the oldest record fetched but not applied (or null).
     */
    public synchronized void observed(long end, Instant waiting, Instant now) {
        oldestWaiting = waiting;
        if (end < 0) {
            return;
        }
        logEnd = Math.max(logEnd, end);
        if (firstEnd < 0) {
            firstEnd = end;
        }
        if (logEnd <= applied) {
            seenCaughtUp = true;
            behindSince = null;
        } else if (behindSince == null && seenCaughtUp) {
            behindSince = now;
        }
    }

    /**
     * Lag in time is the age of the record at the applied position. Before that record is fetched its
     * timestamp is unknown: if this process saw the partition caught up before, the time since it first saw
     * it behind stands in (a lower bound); if it never did (behind since assignment), the lag is unknown.
     */
    public synchronized PartitionFreshness freshness(ViewState runner, Instant now) {
        boolean started = firstEnd >= 0 && applied >= firstEnd;
        if (logEnd < 0) {
            ViewState state = runner != ViewState.RUNNING ? runner : ViewState.STARTING;
            return new PartitionFreshness(
                    partition.topic(),
                    partition.partition(),
                    applied,
                    ViewFreshness.UNKNOWN,
                    ViewFreshness.UNKNOWN,
                    ViewFreshness.UNKNOWN,
                    lastAppliedAt,
                    state,
                    false);
        }
        long end = Math.max(logEnd, applied);
        long lag = end - applied;
        long lagMillis = 0;
        if (lag > 0) {
            Instant oldest = oldestWaiting != null ? oldestWaiting : behindSince;
            lagMillis = oldest == null
                    ? ViewFreshness.UNKNOWN
                    : Math.max(0, Duration.between(oldest, now).toMillis());
        }
        ViewState state = runner != ViewState.RUNNING ? runner : lag > 0 ? ViewState.CATCHING_UP : ViewState.RUNNING;
        return new PartitionFreshness(
                partition.topic(), partition.partition(), applied, end, lag, lagMillis, lastAppliedAt, state, started);
    }
}
