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

    /**
     * A generation's freshness from what its consumer is doing ({@code runner}: running, paused, rebuilding
     * or stopped) and its partitions: a running consumer that lags on any partition, or has none assigned
     * yet, is catching up.
     */
    public static ViewFreshness of(
            String view, int generation, boolean active, ViewState runner, List<PartitionFreshness> partitions) {
        ViewState overall = runner != ViewState.RUNNING
                ? runner
                : partitions.isEmpty() || partitions.stream().anyMatch(p -> p.lagEvents() > 0)
                        ? ViewState.CATCHING_UP
                        : ViewState.RUNNING;
        return new ViewFreshness(view, generation, active, overall, partitions);
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
