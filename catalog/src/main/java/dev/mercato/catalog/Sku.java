package dev.mercato.catalog;

import dev.mercato.plane.InvalidInput;
import java.util.Objects;
import java.util.regex.Pattern;

/** A stock-keeping unit: unique across the platform, upper-case letters, digits and dashes. */
public record Sku(String value) {

    private static final Pattern FORMAT = Pattern.compile("[A-Z0-9][A-Z0-9-]{1,63}");

    public Sku {
        Objects.requireNonNull(value, "sku");
        if (!FORMAT.matcher(value).matches()) {
            throw new InvalidInput("sku", "must be 2-64 upper-case letters, digits or dashes, got '" + value + "'");
        }
    }

    public static Sku of(String value) {
        return new Sku(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
