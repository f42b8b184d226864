package dev.mercato.plane.consume;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A derived view as operators and readers see it, whatever store keeps it: the PostgreSQL views the
 * {@link ViewRuntime} runs, the in-process search index, later an external one. The operations API, the
 * freshness header, read-your-writes and the metrics all go through this, so a view on a new kind of store
 * needs no change to any of them.
 */
public interface DerivedView {

    /** The view's name, as operators address it ({@code /api/v1/plane/views/{name}}). */
    String name();

    /**
     * Freshness of each generation this process runs: the active one first, then one being rebuilt. A
     * stopped view reports its last active generation as {@link ViewState#STOPPED}.
     */
    List<ViewFreshness> freshness();

    /** Holds the consumers: nothing more is applied, lag grows, reads keep being served. */
    void pause();

    void resume();

    /**
     * Starts filling generation N+1 from the start of the log while N keeps serving; once N+1 reaches the
     * log end seen now it is swapped in and N is dropped. Returns N+1.
     *
     * @throws dev.mercato.plane.Conflict when a rebuild is already under way ({@code rebuild-in-progress}) or
     *     the view is stopped ({@code view-stopped}): an operator's request that cannot be done now, a 409
     */
    Generation rebuild();

    /**
     * Waits until the active generation has applied {@code sequence} (or later) of the stream {@code
     * streamKey} ({@link dev.mercato.plane.events.Event#streamKey()}), for read-your-writes. Returns false
     * when the timeout passes first or the thread is interrupted.
     */
    boolean awaitApplied(String streamKey, long sequence, Duration timeout);

    /**
     * Whether the view reads the events a capability publishes, so that a consistency token of that
     * capability's write is one this view can apply. A read passing tokens of several writes waits only for
     * those its view reads: a shipment's tokens name both the order's move and the payment's capture, and
     * the account view (orders only) must not wait for the capture it will never see. True unless a view
     * says otherwise.
     */
    default boolean reads(String source) {
        return true;
    }

    /** The parked events, for a view that parks failing events; empty for one that logs and skips them. */
    default Optional<DeadLetters> deadLetters() {
        return Optional.empty();
    }

    /**
     * Records this view dropped because they could never apply (undecodable, or a payload it cannot read),
     * logged each time, since this process started it. Always 0 for a view that parks them instead.
     */
    default long skippedEvents() {
        return 0;
    }
}
