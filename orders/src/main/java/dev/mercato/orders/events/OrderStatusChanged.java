package dev.mercato.orders.events;

import dev.mercato.plane.events.EventType;
import java.time.Instant;

/** An order moved in its state machine (one event per move; the placement is {@link OrderPlaced}). */
public record OrderStatusChanged(
        String orderId,
        String merchant,
        String customer,
        String from,
        String to,
        String reason,
        long version,
        Instant at) {

    public static final EventType TYPE = EventType.of("orders", "order-status-changed", 1);
}
