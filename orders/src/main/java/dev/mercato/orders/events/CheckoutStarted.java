package dev.mercato.orders.events;

import dev.mercato.plane.events.EventType;
import dev.mercato.plane.web.MoneyJson;
import java.time.Instant;

/** A customer began checking a cart out; the checkout id becomes the order id if it succeeds. */
public record CheckoutStarted(
        String checkoutId,
        String merchant,
        String customer,
        String cartId,
        MoneyJson total,
        int itemCount,
        Instant at) {

    public static final EventType TYPE = EventType.of("orders", "checkout-started", 1);
}
