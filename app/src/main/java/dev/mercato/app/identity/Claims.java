package dev.mercato.app.identity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Reads a verified token's role and merchant from the claims the identity provider puts them in ({@link
 * IdentitySettings#roleClaim}, {@link IdentitySettings#merchantClaim}), mapping the provider's role names to
 * Mercato's. When a token carries several roles, the most powerful known one counts.
 */
final class Claims {

    private static final java.util.Set<String> KNOWN = java.util.Set.of("customer", "merchant", "admin");

    private final String[] rolePath;
    private final String merchantClaim;
    private final Map<String, String> roles;

    Claims(IdentitySettings settings) {
        this.rolePath = settings.roleClaim().split("\\.");
        this.merchantClaim = settings.merchantClaim();
        this.roles = Map.copyOf(settings.roles());
    }

    /** The caller's role as Mercato spells it ({@code customer}, {@code merchant}, {@code admin}), if any. */
    Optional<String> role(Jwt jwt) {
        Object value = jwt.getClaims();
        for (String step : rolePath) {
            if (!(value instanceof Map<?, ?> map)) {
                return Optional.empty();
            }
            value = map.get(step);
        }
        List<String> values = new ArrayList<>();
        if (value instanceof String s) {
            values.add(s);
        } else if (value instanceof Collection<?> c) {
            c.forEach(v -> values.add(String.valueOf(v)));
        }
        String best = null;
        for (String v : values) {
            String mapped = roles.getOrDefault(v, v).toLowerCase(Locale.ROOT);
            if (KNOWN.contains(mapped) && (best == null || rank(mapped) > rank(best))) {
                best = mapped;
            }
        }
        return Optional.ofNullable(best);
    }

    String merchant(Jwt jwt) {
        return jwt.getClaimAsString(merchantClaim);
    }

    private static int rank(String role) {
        return switch (role) {
            case "admin" -> 3;
            case "merchant" -> 2;
            default -> 1;
        };
    }
}
