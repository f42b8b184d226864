package dev.mercato.plane.consume;

import java.util.List;

/**
 * How fresh one generation of a view is.
 *
 * @param active whether readers use this generation (false for one being rebuilt)
 * @param partitions the partitions this process consumes for it
 */
public record ViewFreshness(
        String view, int generation, boolean active, ViewState state, List<PartitionFreshness> partitions) {

    public ViewFreshness {
        partitions = List.copyOf(partitions);
    }

    public long lagEvents() {
        return partitions.stream().mapToLong(PartitionFreshness::lagEvents).sum();
    }

    public long lagMillis() {
        return partitions.stream()
                .mapToLong(PartitionFreshness::lagMillis)
                .max()
                .orElse(0);
    }
}
