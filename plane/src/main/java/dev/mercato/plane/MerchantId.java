package dev.mercato.plane;

import java.util.Objects;
import java.util.Set;
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

    /**
     * Names no merchant may have: {@code platform} is the tenant of platform-wide facts (above), and
     * {@code me} is the word the API's own routes use for "the calling merchant" ({@code /merchants/me/...}).
     */
    private static final Set<String> RESERVED = Set.of(PLATFORM.value, "me");

    public static MerchantId of(String value) {
        return new MerchantId(value);
    }

    /**
     * A merchant as a caller or a request names one (a token's claim, an admin acting for a merchant): a
     * reserved name is refused, so nobody can act as the platform's own tenant.
     */
    public static MerchantId ofMerchant(String value) {
        MerchantId id = of(value);
        if (id.isReserved()) {
            throw new InvalidInput("merchant", "'" + value + "' is reserved and is no merchant");
        }
        return id;
    }

    public boolean isReserved() {
        return RESERVED.contains(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
