package dev.mercato.orders.events;

import dev.mercato.plane.events.EventType;
import dev.mercato.plane.web.MoneyJson;
import java.time.Instant;
import java.util.List;

/** Checkout placed an order: its lines and totals as priced from the catalog, and where it ships. */
public record OrderPlaced(
        String orderId,
        String merchant,
        String customer,
        String cartId,
        List<MoneyLine> lines,
        MoneyJson subtotal,
        MoneyJson total,
        int itemCount,
        ShipToRegion shipTo,
        Instant placedAt) {

    public static final EventType TYPE = EventType.of("orders", "order-placed", 1);
}
