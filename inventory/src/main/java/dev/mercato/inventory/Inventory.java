package dev.mercato.inventory;

import dev.mercato.catalog.Sku;
import dev.mercato.plane.MerchantId;
import java.util.Map;
import java.util.Optional;

/** Inventory's published API. */
public interface Inventory {

    Optional<StockLevel> level(Sku sku);

    /** Sets on-hand for a merchant's SKU; refused if it would drop below what is already reserved. */
    StockLevel setOnHand(MerchantId merchant, Sku sku, int onHand);

    /** Sets on-hand for many SKUs of one merchant in one transaction. */
    void setOnHand(MerchantId merchant, Map<Sku, Integer> onHand);
}
