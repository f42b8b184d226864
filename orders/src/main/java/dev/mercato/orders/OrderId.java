package dev.mercato.orders;

import dev.mercato.plane.InvalidInput;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An order's id: {@code o_} and 26 characters of Crockford base32 (48 bits of milliseconds, then 80 random
 * bits), so ids sort by when checkout began. The same id names the order's reservation and its payment.
 */
public record OrderId(String value) {

    private static final Pattern FORMAT = Pattern.compile("o_[0-9A-HJKMNP-TV-Z]{26}");
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    public OrderId {
        Objects.requireNonNull(value, "order");
        if (!FORMAT.matcher(value).matches()) {
            throw new InvalidInput("orderId", "is not an order id this API returned");
        }
    }

    public static OrderId of(String value) {
        return new OrderId(value);
    }

    public static OrderId next(Instant now) {
        char[] out = new char[26];
        long millis = now.toEpochMilli();
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 5; i++) {
            hi = (hi << 8) | (random[i] & 0xff);
            lo = (lo << 8) | (random[i + 5] & 0xff);
        }
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        return new OrderId("o_" + new String(out));
    }

    @Override
    public String toString() {
        return value;
    }
}
