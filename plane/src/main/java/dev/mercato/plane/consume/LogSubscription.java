package dev.mercato.plane.consume;

/** A running consumer; closing it leaves the group and ends its thread within a few seconds. */
public interface LogSubscription extends AutoCloseable {

    /**
     * Fetch requests this subscription has sent to the log since it started, or -1 when the source does not
     * count them. A diagnostic: a paused view, or one holding records back under a write peak, should send
     * none.
     */
    default long fetchRequests() {
        return -1;
    }

    @Override
    void close();
}
