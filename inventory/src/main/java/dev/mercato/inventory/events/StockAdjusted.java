package dev.mercato.inventory.events;

import dev.mercato.plane.events.EventType;

/**
 * On-hand of a SKU was set, or units came back on hand; carries the resulting levels and the stock row's
 * version. {@code reason} is {@code set} for a merchant's count and {@code returned} for units of a
 * cancelled order put back on the shelf (absent in events written before it existed).
 */
public record StockAdjusted(
        String sku, String merchant, int onHand, int reserved, int available, long version, String reason) {

    public static final EventType TYPE = EventType.of("inventory", "stock-adjusted", 1);
}
