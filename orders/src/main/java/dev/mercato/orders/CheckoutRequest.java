package dev.mercato.orders;

import dev.mercato.cart.CartId;
import dev.mercato.customers.Address;
import dev.mercato.customers.CustomerId;
import dev.mercato.payments.PaymentMethod;
import dev.mercato.plane.InvalidInput;
import java.util.Objects;
import java.util.Optional;

/**
 * A customer's checkout of a cart.
 *
 * @param idempotencyKey the client's {@code Idempotency-Key}: one key, one outcome, however often it is sent
 * @param shipTo where to ship; the customer's default address when empty
 */
public record CheckoutRequest(
        CustomerId customer, String idempotencyKey, CartId cartId, PaymentMethod payment, Optional<Address> shipTo) {

    public CheckoutRequest {
        Objects.requireNonNull(customer, "customer");
        Objects.requireNonNull(cartId, "cartId");
        Objects.requireNonNull(payment, "payment");
        Objects.requireNonNull(shipTo, "shipTo");
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            throw new InvalidInput(
                    "Idempotency-Key",
                    "is required: send a unique key per checkout (a UUID) and the same key when retrying it");
        }
        if (!idempotencyKey.matches("[\\x21-\\x7e]{1,255}")) {
            throw new InvalidInput("Idempotency-Key", "must be 1-255 visible ASCII characters");
        }
    }
}
