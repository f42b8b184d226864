package dev.mercato.cart.events;

import dev.mercato.plane.events.EventType;

/** Checkout placed an order from the cart; the cart no longer changes. */
public record CartConverted(String cartId, String orderId) {

    public static final EventType TYPE = EventType.of("cart", "cart-converted", 1);
}
