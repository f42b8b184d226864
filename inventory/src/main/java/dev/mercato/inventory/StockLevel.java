package dev.mercato.inventory;

import dev.mercato.catalog.Sku;
import dev.mercato.plane.MerchantId;

/** Stock of one SKU from the source of truth. */
public record StockLevel(Sku sku, MerchantId merchant, int onHand, int reserved, long version) {

    public int available() {
        return onHand - reserved;
    }
}
