package dev.mercato.inventory.events;

import dev.mercato.plane.events.EventType;

/**
 * Held units of a SKU were given back: {@code reason} is {@code expired} for a hold that ran out, otherwise
 * what the releasing command said (a failed checkout, a cancelled order). Carries the resulting levels.
 */
public record StockReleased(
        String sku,
        String merchant,
        String reservationId,
        int quantity,
        String reason,
        int onHand,
        int reserved,
        int available,
        long version) {

    public static final EventType TYPE = EventType.of("inventory", "stock-released", 1);
}
