package dev.mercato.cart.store;

import dev.mercato.cart.Cart;
import dev.mercato.cart.CartId;
import java.util.List;
import java.util.Objects;

/**
 * A cart with what only its store keeps about it.
 *
 * @param lastSequence the sequence of the last event this cart emitted (0 before its first): the next
 *     event carries {@code lastSequence + 1}
 * @param mergedFrom the anonymous carts whose lines were merged into this one, newest last (at most
 *     {@link #MERGED_FROM_KEPT}): what makes finishing an interrupted merge idempotent
 */
public record StoredCart(Cart cart, long lastSequence, List<CartId> mergedFrom) {

    public static final int MERGED_FROM_KEPT = 16;

    public StoredCart {
        Objects.requireNonNull(cart, "cart");
        mergedFrom = List.copyOf(mergedFrom);
        if (lastSequence < 0) {
            throw new IllegalArgumentException("lastSequence must be >= 0, got " + lastSequence);
        }
    }

    public static StoredCart of(Cart cart) {
        return new StoredCart(cart, 0, List.of());
    }

    public CartId id() {
        return cart.id();
    }

    public long version() {
        return cart.version();
    }

    public StoredCart with(Cart next, long lastSequence) {
        return new StoredCart(next, lastSequence, mergedFrom);
    }
}
