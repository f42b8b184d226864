package dev.mercato.cart.events;

import dev.mercato.plane.events.EventType;
import dev.mercato.plane.web.MoneyJson;

/**
 * The quantity or the indicative price of one SKU in a cart changed.
 *
 * @param quantity the new quantity; 0 when the line was removed
 * @param previousQuantity 0 when the line is new
 * @param unitPrice the catalog's price when the line was set (indicative)
 */
public record LineChanged(String cartId, String sku, int quantity, int previousQuantity, MoneyJson unitPrice) {

    public static final EventType TYPE = EventType.of("cart", "line-changed", 1);
}
