package dev.mercato.plane.outbox;

import dev.mercato.plane.events.Event;
import java.util.List;

/** Where the relay sends events: the log. Implemented over Kafka by the log adapter. */
public interface LogPublisher {

    /**
     * Starts publishing the events in order and returns at once; the returned handle waits for the log's
     * acknowledgement of every one of them. After a failure any subset may have been written (the relay
     * then sends them again).
     */
    Acknowledgement send(List<Event> events);

    /** Publishes and waits for the acknowledgement. */
    default void publish(List<Event> events) {
        send(events).await();
    }

    /** The log's acknowledgement of a sent batch. */
    interface Acknowledgement {
        /** Returns when every event was acknowledged; throws if any was not. */
        void await();
    }
}
