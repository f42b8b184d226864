package dev.mercato.plane.consume;

import java.time.Instant;

/**
 * How far one generation of a view is behind on one partition.
 *
 * @param appliedOffset the next offset to apply (everything before it is applied or parked)
 * @param logEndOffset the partition's end as last seen
 * @param lagEvents records between the two
 * @param lagMillis age of the oldest record not yet applied, 0 when caught up
 * @param lastAppliedAt when this process last applied a record of the partition, or null
 */
public record PartitionFreshness(
        String topic,
        int partition,
        long appliedOffset,
        long logEndOffset,
        long lagEvents,
        long lagMillis,
        Instant lastAppliedAt,
        ViewState state) {}
