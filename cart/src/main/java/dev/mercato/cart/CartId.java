package dev.mercato.cart;

import dev.mercato.plane.InvalidInput;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A cart's id: 128 random bits, so an anonymous cart's id is also the secret that reaches it (whoever
 * holds it may use the cart until a customer owns it).
 */
public record CartId(String value) {

    private static final Pattern FORMAT = Pattern.compile("c_[A-Za-z0-9_-]{22}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public CartId {
        Objects.requireNonNull(value, "cart");
        if (!FORMAT.matcher(value).matches()) {
            throw new InvalidInput("cartId", "is not a cart id this API returned");
        }
    }

    public static CartId of(String value) {
        return new CartId(value);
    }

    public static CartId random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new CartId("c_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    @Override
    public String toString() {
        return value;
    }
}
