package dev.mercato.inventory;

import dev.mercato.catalog.Sku;
import dev.mercato.plane.MerchantId;

/**
 * Stock of one SKU from the source of truth.
 *
 * @param lowThreshold a {@code stock-low} event fires when available falls below it
 */
public record StockLevel(Sku sku, MerchantId merchant, int onHand, int reserved, int lowThreshold, long version) {

    public int available() {
        return onHand - reserved;
    }
}
