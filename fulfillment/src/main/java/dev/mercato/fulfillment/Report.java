package dev.mercato.fulfillment;

import dev.mercato.orders.FulfillmentStep;
import dev.mercato.orders.OrderId;
import java.util.Optional;

/**
 * A step the merchant reports on an order.
 *
 * @param actor who reports it ({@code merchant:<subject>} or {@code admin:<subject>})
 * @param carrier and {@code trackingNumber}: only for {@link FulfillmentStep#SHIPPED}, both optional
 */
public record Report(
        OrderId order, FulfillmentStep step, String actor, Optional<String> carrier, Optional<String> trackingNumber) {

    public static Report of(OrderId order, FulfillmentStep step, String actor) {
        return new Report(order, step, actor, Optional.empty(), Optional.empty());
    }
}
