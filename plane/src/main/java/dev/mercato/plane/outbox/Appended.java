package dev.mercato.plane.outbox;

import dev.mercato.plane.events.ConsistencyToken;
import java.util.UUID;

/** An event the outbox accepted: committed with the caller's transaction, or not at all. */
public record Appended(UUID eventId, String source, String key, long sequence) {

    /** What a client passes back to read its own write from a derived view. */
    public ConsistencyToken token() {
        return new ConsistencyToken(source, key, sequence);
    }
}
