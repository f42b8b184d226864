package dev.mercato.cart.events;

import dev.mercato.plane.events.EventType;

/**
 * An anonymous cart's lines moved into a customer's cart at login; the anonymous cart no longer changes.
 *
 * @param into the customer's cart
 */
public record CartMerged(String cartId, String into) {

    public static final EventType TYPE = EventType.of("cart", "cart-merged", 1);
}
