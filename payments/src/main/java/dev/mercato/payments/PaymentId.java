package dev.mercato.payments;

import dev.mercato.plane.InvalidInput;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A payment intent's id, chosen by the caller (checkout uses one per order), so that asking twice for the
 * same payment is recognisably the same request: it is also the idempotency key towards the provider.
 */
public record PaymentId(String value) {

    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{4,80}");

    public PaymentId {
        Objects.requireNonNull(value, "payment");
        if (!FORMAT.matcher(value).matches()) {
            throw new InvalidInput("paymentId", "must be 4-80 letters, digits, _ or -, got '" + value + "'");
        }
    }

    public static PaymentId of(String value) {
        return new PaymentId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
