package dev.mercato.plane.consume;

import java.time.Instant;

/**
 * How far one generation of a view is behind on one partition.
 *
 * @param appliedOffset the next offset to apply (everything before it is applied or parked)
 * @param logEndOffset the partition's end as last seen, or {@link ViewFreshness#UNKNOWN} before it was read
 * @param lagEvents records between the two, or {@link ViewFreshness#UNKNOWN} while the log end is unknown
 * @param lagMillis age of the oldest record not yet applied, 0 when caught up, or {@link
 *     ViewFreshness#UNKNOWN} while neither the log end nor that record's time is known
 * @param lastAppliedAt when this process last applied a record of the partition, or null
 * @param started whether this process has applied everything up to the first log end it read for the
 *     partition: the view has started consuming it
 */
public record PartitionFreshness(
        String topic,
        int partition,
        long appliedOffset,
        long logEndOffset,
        long lagEvents,
        long lagMillis,
        Instant lastAppliedAt,
        ViewState state,
        boolean started) {

    /** A partition whose lag is known ({@code lagEvents} ≥ 0) counts as started. */
    public PartitionFreshness(
            String topic,
            int partition,
            long appliedOffset,
            long logEndOffset,
            long lagEvents,
            long lagMillis,
            Instant lastAppliedAt,
            ViewState state) {
        this(
                topic,
                partition,
                appliedOffset,
                logEndOffset,
                lagEvents,
                lagMillis,
                lastAppliedAt,
                state,
                lagEvents >= 0 && state != ViewState.STARTING);
    }
}
