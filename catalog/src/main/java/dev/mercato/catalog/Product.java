package dev.mercato.catalog;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import java.time.Instant;
import java.util.Map;

/** A product as the catalog holds it; {@code version} grows by one with every change. */
public record Product(
        Sku sku,
        MerchantId merchant,
        String title,
        String description,
        String category,
        Money price,
        Map<String, String> attributes,
        String status,
        long version,
        Instant updatedAt) {

    public static final String ACTIVE = "active";
    public static final String RETIRED = "retired";

    /** Whether it can be put in a cart and bought. */
    public boolean onSale() {
        return ACTIVE.equals(status);
    }
}
