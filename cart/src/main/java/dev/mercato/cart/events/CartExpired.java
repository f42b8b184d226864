package dev.mercato.cart.events;

import dev.mercato.plane.events.EventType;

/**
 * An open cart passed its inactivity TTL and was deleted: an abandoned cart. Converted and merged carts
 * expire silently.
 *
 * @param itemCount the units it held when it was abandoned
 */
public record CartExpired(String cartId, int itemCount) {

    public static final EventType TYPE = EventType.of("cart", "cart-expired", 1);
}
