package dev.mercato.cart.events;

import dev.mercato.plane.events.EventType;
import java.time.Instant;

/**
 * A cart got its first line, and with it a merchant (a cart emits nothing before that).
 *
 * @param owner the customer who owns it, or null for an anonymous cart
 * @param createdAt when the cart itself was created, which may be before its first line
 */
public record CartCreated(String cartId, String owner, Instant createdAt) {

    public static final EventType TYPE = EventType.of("cart", "cart-created", 1);
}
