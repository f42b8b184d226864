package dev.mercato.cart.store;

import dev.mercato.plane.events.Event;
import java.util.List;

/**
 * Unpublished events read from a store's outbox, each cart's in sequence order, with what the store needs
 * to remove exactly these once they are published.
 */
public final class OutboxBatch {

    static final OutboxBatch EMPTY = new OutboxBatch(List.of(), null);

    private final List<Event> events;
    private final Object marker;

    OutboxBatch(List<Event> events, Object marker) {
        this.events = List.copyOf(events);
        this.marker = marker;
    }

    public List<Event> events() {
        return events;
    }

    public boolean isEmpty() {
        return events.isEmpty();
    }

    Object marker() {
        return marker;
    }
}
