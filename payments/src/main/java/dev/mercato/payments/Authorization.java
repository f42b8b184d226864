package dev.mercato.payments;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import java.util.Objects;

/** What checkout asks payments to authorize: an amount, for a merchant, on a customer's card. */
public record Authorization(PaymentId id, MerchantId merchant, String customer, Money amount, PaymentMethod method) {

    public Authorization {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(merchant, "merchant");
        Objects.requireNonNull(customer, "customer");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(method, "method");
        if (amount.amount().signum() <= 0) {
            throw new IllegalArgumentException("an authorization is for a positive amount, got " + amount);
        }
    }
}
