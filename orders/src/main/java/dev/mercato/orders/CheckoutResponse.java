package dev.mercato.orders;

import java.util.Optional;

/**
 * The answer to a checkout, exactly as it was first given: an idempotency key always gets the same status
 * and body, so it is kept as the HTTP answer itself.
 *
 * @param body JSON: the order for a 201, an RFC 9457 problem otherwise
 * @param replayed whether this is a stored answer to an earlier request with the same key
 */
public record CheckoutResponse(int status, String body, Optional<OrderId> orderId, boolean replayed) {

    public boolean placed() {
        return status == 201;
    }

    public CheckoutResponse asReplay() {
        return new CheckoutResponse(status, body, orderId, true);
    }
}
