package dev.mercato.inventory.events;

import dev.mercato.plane.events.EventType;

/** Reserved units of a SKU were picked: on-hand and reserved both went down by {@code quantity}. */
public record StockCommitted(
        String sku,
        String merchant,
        String reservationId,
        int quantity,
        int onHand,
        int reserved,
        int available,
        long version) {

    public static final EventType TYPE = EventType.of("inventory", "stock-committed", 1);
}
