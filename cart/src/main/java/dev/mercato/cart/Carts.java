package dev.mercato.cart;

import dev.mercato.catalog.Sku;
import dev.mercato.customers.CustomerId;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The cart capability's published API. Carts live in a key-value store (RocksDB on one machine, the
 * DynamoDB API at scale) and expire after a period of inactivity; an expired cart is invisible. Every
 * change is a compare-and-set on the cart's version, retried internally, so two clients changing one
 * cart at once never lose a line.
 *
 * <p>Failures are typed: {@link dev.mercato.plane.NotFound} for an unknown, expired or unknown SKU,
 * {@link dev.mercato.plane.InvalidInput} for a bad quantity, {@link dev.mercato.plane.Conflict} for a
 * cart that no longer changes ({@code cart-converted}, {@code cart-merged}), a product of another
 * merchant ({@code cart-merchant-mismatch}), a retired product ({@code product-unavailable}), a cart at
 * its line limit ({@code cart-full}), a product priced in another currency than the cart ({@code
 * cart-currency-mismatch}), or a change that kept losing to concurrent ones ({@code cart-busy}); and
 * {@link dev.mercato.plane.PreconditionFailed} (412) for a stale {@code expectedVersion}.
 */
public interface Carts {

    /** The largest quantity of one SKU in a cart. */
    int MAX_QUANTITY = 99;

    /** The most distinct SKUs in a cart. */
    int MAX_LINES = 100;

    /** A new, empty cart, owned by {@code owner} when given, otherwise anonymous. */
    Cart create(Optional<CustomerId> owner);

    /** The cart, or empty when it never existed or has expired. */
    Optional<Cart> find(CartId id);

    /**
     * Sets the quantity of a SKU (0 removes the line), with the catalog's current title and price as the
     * line's indicative price. With {@code expectedVersion} the change applies only to that version of
     * the cart (a client's optimistic lock, {@code If-Match}); without it, the change is applied to
     * whatever the current version is.
     */
    Cart setQuantity(CartId id, Sku sku, int quantity, OptionalLong expectedVersion);

    /**
     * Merges an anonymous cart into {@code customer}'s open cart of the same merchant, adding quantities
     * (capped at {@link #MAX_QUANTITY}); when the customer has none, the anonymous cart becomes theirs.
     * Returns the customer's cart. Merging a cart already merged into this customer's cart returns that
     * cart again.
     */
    Cart merge(CartId anonymous, CustomerId customer);

    /**
     * Marks the cart converted into {@code orderId} after checkout placed the order. Idempotent: converting
     * it again into the same order returns it unchanged; into another order is a {@code cart-converted}
     * conflict.
     */
    Cart convert(CartId id, String orderId);

    /** Deletes carts whose inactivity TTL passed; returns how many. Runs periodically on its own too. */
    int sweepExpired();
}
