package dev.mercato.plane.outbox;

import dev.mercato.plane.events.Event;
import java.util.List;

/** Where the relay sends events: the log. Implemented over Kafka by the log adapter. */
public interface LogPublisher {

    /**
     * Publishes the events in order and returns once the log has acknowledged every one of them, or
     * throws; after a throw any subset may have been written (the relay then sends them again).
     */
    void publish(List<Event> events);
}
