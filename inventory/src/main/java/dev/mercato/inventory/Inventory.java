package dev.mercato.inventory;

import dev.mercato.catalog.Sku;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.ConsistencyToken;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Inventory's published API. */
public interface Inventory {

    Optional<StockLevel> level(Sku sku);

    /** The result of a stock change: the levels now, and tokens to read the change back from views. */
    record Adjusted(StockLevel level, List<ConsistencyToken> tokens) {}

    /** Sets on-hand for a merchant's SKU; refused if it would drop below what is already reserved. */
    Adjusted setOnHand(MerchantId merchant, Sku sku, int onHand);

    /** Sets on-hand for many SKUs of one merchant in one transaction. */
    List<ConsistencyToken> setOnHand(MerchantId merchant, Map<Sku, Integer> onHand);
}
