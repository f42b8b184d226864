package dev.mercato.customers.events;

import dev.mercato.plane.events.EventType;
import java.time.Instant;

/** A customer changed their profile; like {@link CustomerRegistered}, it carries no contact details. */
public record CustomerUpdated(String customerId, String country, long version, Instant at) {

    public static final EventType TYPE = EventType.of("customers", "customer-updated", 1);
}
