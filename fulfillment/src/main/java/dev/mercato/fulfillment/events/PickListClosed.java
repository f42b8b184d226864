package dev.mercato.fulfillment.events;

import dev.mercato.plane.events.EventType;
import java.time.Instant;

/** The order was cancelled or refunded: its pick list takes no more reports. */
public record PickListClosed(String orderId, String merchant, String reason, Instant at) {

    public static final EventType TYPE = EventType.of("fulfillment", "pick-list-closed", 1);
}
