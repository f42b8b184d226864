package dev.mercato.inventory.events;

import dev.mercato.plane.events.EventType;
import java.time.Instant;

/** Units of a SKU were held for a checkout until {@code expiresAt}; carries the resulting levels. */
public record StockReserved(
        String sku,
        String merchant,
        String reservationId,
        int quantity,
        Instant expiresAt,
        int onHand,
        int reserved,
        int available,
        long version) {

    public static final EventType TYPE = EventType.of("inventory", "stock-reserved", 1);
}
