package dev.mercato.inventory.events;

import dev.mercato.plane.events.EventType;

/** On-hand of a SKU was set; carries the resulting levels and the stock row's version. */
public record StockAdjusted(String sku, String merchant, int onHand, int reserved, int available, long version) {

    public static final EventType TYPE = EventType.of("inventory", "stock-adjusted", 1);
}
