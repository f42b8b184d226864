package dev.mercato.payments;

import dev.mercato.plane.InvalidInput;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A tokenised card, as a storefront gets it from the provider's own card form: Mercato never sees card
 * numbers. The simulated provider knows test tokens (see {@code docs/operations.md}): {@code tok_visa}
 * succeeds, {@code tok_declined} and {@code tok_insufficient_funds} are declined.
 */
public record PaymentMethod(String token) {

    private static final Pattern FORMAT = Pattern.compile("tok_[a-z0-9_]{1,60}");

    public static final PaymentMethod DEFAULT = new PaymentMethod("tok_visa");

    public PaymentMethod {
        Objects.requireNonNull(token, "token");
        if (!FORMAT.matcher(token).matches()) {
            throw new InvalidInput("payment.token", "must look like tok_visa, got '" + token + "'");
        }
    }
}
