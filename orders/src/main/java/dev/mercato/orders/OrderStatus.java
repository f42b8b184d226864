package dev.mercato.orders;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where an order is. The allowed moves are the whole state machine; anything else is refused:
 *
 * <pre>
 * placed -> picking -> packed -> shipped -> delivered
 *   |          |         |         |           |
 *   +----------+---------+-> cancelled         +-> refunded (also from shipped)
 * </pre>
 *
 * Cancelling before shipment voids the payment and gives the stock back; after shipment the payment is
 * refunded instead.
 */
public enum OrderStatus {
    PLACED,
    PICKING,
    PACKED,
    SHIPPED,
    DELIVERED,
    CANCELLED,
    REFUNDED;

    private static final Map<OrderStatus, Set<OrderStatus>> NEXT = Map.of(
            PLACED, Set.of(PICKING, CANCELLED),
            PICKING, Set.of(PACKED, CANCELLED),
            PACKED, Set.of(SHIPPED, CANCELLED),
            SHIPPED, Set.of(DELIVERED, REFUNDED),
            DELIVERED, Set.of(REFUNDED),
            CANCELLED, Set.of(),
            REFUNDED, Set.of());

    public boolean canBecome(OrderStatus next) {
        return NEXT.get(this).contains(next);
    }

    /** Whether an order here can be at {@code later} after some moves (or none). */
    public boolean canReach(OrderStatus later) {
        if (this == later) {
            return true;
        }
        for (OrderStatus next : NEXT.get(this)) {
            if (next.canReach(later)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the goods have left: cancelling now means a refund. */
    public boolean shipped() {
        return this == SHIPPED || this == DELIVERED;
    }

    public boolean terminal() {
        return NEXT.get(this).isEmpty();
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OrderStatus parse(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
