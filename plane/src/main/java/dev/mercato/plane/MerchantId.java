package dev.mercato.plane;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The tenant. It lives in the kernel because tenancy is a mechanism every capability and every event
 * envelope carries, not a domain object of one capability.
 */
public record MerchantId(String value) {

    private static final Pattern FORMAT = Pattern.compile("[a-z0-9][a-z0-9-]{1,39}");

    /**
     * The tenant of platform-wide facts that belong to no merchant (a customer's profile): events carry a
     * tenant, and this one is reserved, so no merchant can be onboarded under it.
     */
    public static final MerchantId PLATFORM = new MerchantId("platform");

    public MerchantId {
        Objects.requireNonNull(value, "merchant");
        if (!FORMAT.matcher(value).matches()) {
            throw new InvalidInput("merchant", "must be 2-40 lowercase letters, digits or dashes, got '" + value + "'");
        }
    }

    public static MerchantId of(String value) {
        return new MerchantId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
