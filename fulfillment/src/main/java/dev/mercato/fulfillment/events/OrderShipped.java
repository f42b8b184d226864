package dev.mercato.fulfillment.events;

import dev.mercato.plane.events.EventType;
import java.time.Instant;

/** The merchant handed the order to a carrier; carrier and tracking number are null when not given. */
public record OrderShipped(
        String orderId, String merchant, String carrier, String trackingNumber, String actor, Instant at) {

    public static final EventType TYPE = EventType.of("fulfillment", "order-shipped", 1);
}
