package dev.mercato.cart;

import dev.mercato.customers.CustomerId;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A cart as its store holds it. A cart holds the products of one merchant (the merchant of its first
 * line), because an order belongs to one merchant; {@code version} grows by one with every change and is
 * what concurrent writers compare and set.
 *
 * @param owner the customer who owns it; empty for an anonymous cart
 * @param merchant the merchant whose products it holds; empty until the first line
 * @param expiresAt when it becomes invisible if nothing changes it again (inactivity TTL)
 * @param orderId the order it was converted into, once converted
 * @param mergedInto the customer cart it was merged into, once merged
 */
public record Cart(
        CartId id,
        Optional<CustomerId> owner,
        Optional<MerchantId> merchant,
        List<CartLine> lines,
        Status status,
        long version,
        Instant createdAt,
        Instant updatedAt,
        Instant expiresAt,
        Optional<String> orderId,
        Optional<CartId> mergedInto) {

    public enum Status {
        /** Lines may be changed and it may be checked out. */
        OPEN,
        /** Checked out: an order was placed from it; it no longer changes. */
        CONVERTED,
        /** An anonymous cart whose lines moved into a customer's cart at login. */
        MERGED
    }

    public Cart {
        lines = List.copyOf(lines);
    }

    public boolean isOpen() {
        return status == Status.OPEN;
    }

    public Optional<CartLine> line(dev.mercato.catalog.Sku sku) {
        return lines.stream().filter(l -> l.sku().equals(sku)).findFirst();
    }

    public int itemCount() {
        return lines.stream().mapToInt(CartLine::quantity).sum();
    }

    /** The indicative subtotal at the prices the lines were set with; empty for an empty cart. */
    public Optional<Money> subtotal() {
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        String currency = lines.getFirst().unitPrice().currency();
        BigDecimal sum = lines.stream().map(l -> l.lineTotal().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
        return Optional.of(new Money(sum, currency));
    }
}
