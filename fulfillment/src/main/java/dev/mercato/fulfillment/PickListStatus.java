package dev.mercato.fulfillment;

import dev.mercato.orders.FulfillmentStep;
import java.util.Locale;

/**
 * Where a pick list is: open (nothing reported), then one status per reported step, in this order only;
 * closed when the order was cancelled or refunded.
 */
public enum PickListStatus {
    OPEN,
    PICKED,
    PACKED,
    SHIPPED,
    DELIVERED,
    CLOSED;

    /** Position in the sequence of steps: 0 for open, 1 picked ... 4 delivered. */
    public int rank() {
        return this == CLOSED ? -1 : ordinal();
    }

    /** The status a step moves a pick list to. */
    public static PickListStatus after(FulfillmentStep step) {
        return switch (step) {
            case PICKED -> PICKED;
            case PACKED -> PACKED;
            case SHIPPED -> SHIPPED;
            case DELIVERED -> DELIVERED;
        };
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PickListStatus parse(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
