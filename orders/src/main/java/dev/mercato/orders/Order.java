package dev.mercato.orders;

import dev.mercato.customers.Address;
import dev.mercato.customers.CustomerId;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An order as the orders capability holds it: its lines and totals never change after checkout; its
 * status moves through {@link OrderStatus}, each move recorded in {@code history}.
 */
public record Order(
        OrderId id,
        MerchantId merchant,
        CustomerId customer,
        OrderStatus status,
        List<OrderLine> lines,
        Money subtotal,
        Money total,
        Optional<Address> shipTo,
        long version,
        Instant placedAt,
        Instant updatedAt,
        List<StatusChange> history) {

    public Order {
        lines = List.copyOf(lines);
        history = List.copyOf(history);
    }

    public int itemCount() {
        return lines.stream().mapToInt(OrderLine::quantity).sum();
    }

    /**
     * One move of the state machine.
     *
     * @param from empty for the first entry (placed)
     * @param actor who moved it: {@code checkout}, or the subject of the merchant, customer or admin
     */
    public record StatusChange(Optional<OrderStatus> from, OrderStatus to, String actor, String reason, Instant at) {}
}
