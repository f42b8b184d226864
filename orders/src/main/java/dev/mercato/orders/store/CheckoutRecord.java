package dev.mercato.orders.store;

import dev.mercato.orders.CheckoutResponse;
import dev.mercato.orders.OrderId;
import java.util.Optional;

/** A checkout as stored: its plan, its state and, once decided, its answer. */
public record CheckoutRecord(
        OrderId id,
        String customer,
        String idempotencyKey,
        String fingerprint,
        Plan plan,
        State state,
        Optional<CheckoutResponse> response,
        int attempts) {

    public enum State {
        STARTED,
        COMPENSATING,
        PLACED,
        FAILED
    }
}
