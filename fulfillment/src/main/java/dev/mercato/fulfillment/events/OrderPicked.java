package dev.mercato.fulfillment.events;

import dev.mercato.plane.events.EventType;
import java.time.Instant;

/** The merchant picked every line of the order (the units leave on-hand); {@code actor} is who reported it. */
public record OrderPicked(String orderId, String merchant, String actor, Instant at) {

    public static final EventType TYPE = EventType.of("fulfillment", "order-picked", 1);
}
