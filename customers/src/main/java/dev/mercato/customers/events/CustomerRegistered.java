package dev.mercato.customers.events;

import dev.mercato.plane.events.EventType;
import java.time.Instant;

/**
 * A customer created their profile. Carries only what other capabilities need (the country sales are
 * reported by), never contact details: the log is kept forever and read by many.
 */
public record CustomerRegistered(String customerId, String country, long version, Instant at) {

    public static final EventType TYPE = EventType.of("customers", "customer-registered", 1);
}
