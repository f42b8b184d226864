package dev.mercato.orders;

import dev.mercato.plane.InvalidInput;
import java.util.Locale;

/**
 * What a merchant reports about an order in the warehouse, and the status it moves the order to. Picking
 * commits the order's reservation (the units leave on-hand); shipping captures the payment.
 */
public enum FulfillmentStep {
    PICKED(OrderStatus.PICKING),
    PACKED(OrderStatus.PACKED),
    SHIPPED(OrderStatus.SHIPPED),
    DELIVERED(OrderStatus.DELIVERED);

    private final OrderStatus target;

    FulfillmentStep(OrderStatus target) {
        this.target = target;
    }

    public OrderStatus target() {
        return target;
    }

    public static FulfillmentStep parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidInput("status", "must be picked, packed, shipped or delivered, got '" + value + "'");
        }
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
