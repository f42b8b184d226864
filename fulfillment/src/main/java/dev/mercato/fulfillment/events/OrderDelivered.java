package dev.mercato.fulfillment.events;

import dev.mercato.plane.events.EventType;
import java.time.Instant;

/** The merchant reports the order delivered; {@code actor} is who reported it. */
public record OrderDelivered(String orderId, String merchant, String actor, Instant at) {

    public static final EventType TYPE = EventType.of("fulfillment", "order-delivered", 1);
}
