package dev.mercato.fulfillment.events;

import dev.mercato.plane.events.EventType;
import java.time.Instant;

/** The merchant packed the order; {@code actor} is who reported it. */
public record OrderPacked(String orderId, String merchant, String actor, Instant at) {

    public static final EventType TYPE = EventType.of("fulfillment", "order-packed", 1);
}
