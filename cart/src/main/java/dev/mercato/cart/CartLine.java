package dev.mercato.cart;

import dev.mercato.catalog.Sku;
import dev.mercato.plane.Money;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * One SKU in a cart. The unit price and title are what the catalog said when the line was last set:
 * indicative only, since checkout re-reads prices from the catalog.
 */
public record CartLine(Sku sku, int quantity, Money unitPrice, String title) {

    public CartLine {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(unitPrice, "unitPrice");
        Objects.requireNonNull(title, "title");
        if (quantity < 1 || quantity > Carts.MAX_QUANTITY) {
            throw new IllegalArgumentException("quantity must be 1-" + Carts.MAX_QUANTITY + ", got " + quantity);
        }
    }

    public Money lineTotal() {
        return new Money(unitPrice.amount().multiply(BigDecimal.valueOf(quantity)), unitPrice.currency());
    }
}
