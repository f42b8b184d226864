package dev.mercato.customers;

import dev.mercato.plane.InvalidInput;
import java.util.Objects;
import java.util.regex.Pattern;

/** A customer: the {@code sub} of the customer's token, so a profile needs no second identifier. */
public record CustomerId(String value) {

    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9._@-]{1,100}");

    public CustomerId {
        Objects.requireNonNull(value, "customer");
        if (!FORMAT.matcher(value).matches()) {
            throw new InvalidInput("customer", "must be 1-100 letters, digits or ._@-, got '" + value + "'");
        }
    }

    public static CustomerId of(String value) {
        return new CustomerId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
