package dev.mercato.plane.consume;

/** What a view generation's consumer is doing, as freshness reports it. */
public enum ViewState {
    /**
     * Holds no partitions yet, or has not yet read the log end of one it holds: how far behind the log it
     * is, is unknown, so it is stale until it knows.
     */
    STARTING,
    /** Caught up with the log end last seen. */
    RUNNING,
    /** Behind the log end: events wait to be applied. */
    CATCHING_UP,
    /** A new generation filling from the start of the log while the active one serves reads. */
    REBUILDING,
    /** Consumer held by an operator; lag grows. */
    PAUSED,
    /** No consumer runs. */
    STOPPED
}
