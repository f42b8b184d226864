package dev.mercato.plane.security;

import dev.mercato.plane.Forbidden;
import dev.mercato.plane.MerchantId;
import java.util.Optional;

/**
 * The authenticated caller of a request, or the anonymous one. Every capability's HTTP layer checks its
 * role and tenancy against this, so the checks read the same everywhere.
 *
 * @param subject the token's {@code sub}; empty for an anonymous caller
 * @param role empty for an anonymous caller
 * @param merchant the merchant a merchant acts for
 */
public record Caller(String subject, Optional<Role> role, Optional<MerchantId> merchant) {

    public static final Caller ANONYMOUS = new Caller("", Optional.empty(), Optional.empty());

    public static Caller of(String subject, Role role, MerchantId merchant) {
        return new Caller(subject, Optional.of(role), Optional.ofNullable(merchant));
    }

    public boolean is(Role r) {
        return role.filter(r::equals).isPresent();
    }

    public boolean isAdmin() {
        return is(Role.ADMIN);
    }

    public boolean authenticated() {
        return role.isPresent();
    }

    /** Admins may act for any merchant; a merchant only for its own; nobody else for any. */
    public void requireActsFor(MerchantId owner) {
        if (isAdmin() || (is(Role.MERCHANT) && merchant.filter(owner::equals).isPresent())) {
            return;
        }
        throw new Forbidden("only merchant " + owner + " or an admin may do this");
    }

    public void requireRole(Role... allowed) {
        for (Role r : allowed) {
            if (is(r)) {
                return;
            }
        }
        throw new Forbidden("this needs one of the roles " + java.util.Arrays.toString(allowed));
    }

    /** The merchant a merchant caller acts for, or the one an admin names. */
    public MerchantId merchantFor(String requested) {
        if (isAdmin()) {
            if (requested == null || requested.isBlank()) {
                throw new dev.mercato.plane.InvalidInput("merchant", "is required when an admin acts for a merchant");
            }
            return MerchantId.ofMerchant(requested);
        }
        MerchantId own = merchant.filter(m -> is(Role.MERCHANT))
                .orElseThrow(() -> new Forbidden("only merchants and admins may do this"));
        if (requested != null && !requested.isBlank() && !requested.equals(own.value())) {
            throw new Forbidden("a merchant acts only for its own merchant");
        }
        return own;
    }
}
