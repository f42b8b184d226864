package dev.mercato.orders;

import dev.mercato.plane.events.ConsistencyToken;
import java.util.Optional;

/**
 * The answer to a checkout, exactly as it was first given: an idempotency key always gets the same status
 * and body, so it is kept as the HTTP answer itself.
 *
 * @param body JSON: the order for a 201, an RFC 9457 problem otherwise
 * @param token for a placed order, the token of its {@code order-placed} event, to read it back from views
 * @param replayed whether this is a stored answer to an earlier request with the same key
 */
public record CheckoutResponse(
        int status, String body, Optional<OrderId> orderId, Optional<ConsistencyToken> token, boolean replayed) {

    public boolean placed() {
        return status == 201;
    }

    public CheckoutResponse asReplay() {
        return new CheckoutResponse(status, body, orderId, token, true);
    }
}
