package dev.mercato.plane.security;

import dev.mercato.plane.InvalidInput;
import java.util.Locale;

/** What a caller may do: customers their own things, merchants their own merchant's, admins everything. */
public enum Role {
    CUSTOMER,
    MERCHANT,
    ADMIN;

    public static Role parse(String value) {
        try {
            return Role.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidInput("role", "must be customer, merchant or admin, got '" + value + "'");
        }
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
