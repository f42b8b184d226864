package dev.mercato.inventory.events;

import dev.mercato.plane.events.EventType;

/** Available of a SKU fell below its threshold (it was at or above it before this change). */
public record StockLow(String sku, String merchant, int available, int threshold, int onHand, long version) {

    public static final EventType TYPE = EventType.of("inventory", "stock-low", 1);
}
