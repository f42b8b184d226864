package dev.mercato.orders.events;

import dev.mercato.plane.events.EventType;
import java.time.Instant;

/**
 * A checkout was refused and is being undone: {@code reason} is the problem type the customer got
 * ({@code out-of-stock}, {@code payment-declined}, {@code reservation-expired}, ...).
 */
public record CheckoutFailed(
        String checkoutId, String merchant, String customer, String cartId, String reason, Instant at) {

    public static final EventType TYPE = EventType.of("orders", "checkout-failed", 1);
}
