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

    /** A lag (in events or milliseconds) or an offset this process does not know. */
    public static final long UNKNOWN = -1;

    public ViewFreshness {
        partitions = List.copyOf(partitions);
    }

    /**
     * A generation's freshness from what its consumer is doing ({@code runner}: running, paused, rebuilding
     * or stopped) and its partitions: a running consumer that holds no partitions yet, or has not read the
     * log end of one, is starting; one that lags on any partition is catching up.
     */
    public static ViewFreshness of(
            String view, int generation, boolean active, ViewState runner, List<PartitionFreshness> partitions) {
        ViewState overall = runner != ViewState.RUNNING
                ? runner
                : partitions.isEmpty() || partitions.stream().anyMatch(p -> p.state() == ViewState.STARTING)
                        ? ViewState.STARTING
                        : partitions.stream().anyMatch(p -> p.lagEvents() != 0)
                                ? ViewState.CATCHING_UP
                                : ViewState.RUNNING;
        return new ViewFreshness(view, generation, active, overall, partitions);
    }

    /**
     * Records not applied yet over every partition, or {@link #UNKNOWN} when the view holds no partitions
     * or has not read the log end of one: never 0 unless the view knows it is caught up.
     */
    public long lagEvents() {
        if (partitions.isEmpty() || partitions.stream().anyMatch(p -> p.lagEvents() < 0)) {
            return UNKNOWN;
        }
        return partitions.stream().mapToLong(PartitionFreshness::lagEvents).sum();
    }

    /**
     * Age of the oldest record not applied yet over every partition, 0 when caught up, or {@link #UNKNOWN}
     * when any partition's is unknown (see {@link PartitionProgress#freshness}) or the view holds none.
     */
    public long lagMillis() {
        if (partitions.isEmpty() || partitions.stream().anyMatch(p -> p.lagMillis() < 0)) {
            return UNKNOWN;
        }
        return partitions.stream()
                .mapToLong(PartitionFreshness::lagMillis)
                .max()
                .orElse(0);
    }

    /** Whether both lags are known, so a reader may be told them rather than that the view is stale. */
    public boolean lagKnown() {
        return lagEvents() >= 0 && lagMillis() >= 0;
    }

    /**
     * Whether the view has started consuming: it holds partitions and has applied, on each, everything up to
     * the log end it first read there.
     */
    public boolean started() {
        return !partitions.isEmpty() && partitions.stream().allMatch(PartitionFreshness::started);
    }
}
