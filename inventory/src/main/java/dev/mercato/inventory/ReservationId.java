package dev.mercato.inventory;

import dev.mercato.plane.InvalidInput;
import java.util.Objects;
import java.util.regex.Pattern;

/** A reservation's id, chosen by the caller (checkout uses its order id), which makes reserving idempotent. */
public record ReservationId(String value) {

    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{1,100}");

    public ReservationId {
        Objects.requireNonNull(value, "reservation");
        if (!FORMAT.matcher(value).matches()) {
            throw new InvalidInput("reservationId", "must be 1-100 letters, digits, _ or -, got '" + value + "'");
        }
    }

    public static ReservationId of(String value) {
        return new ReservationId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
