package dev.mercato.app.identity;

import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * A token's {@code merchant} claim must name a merchant a token may carry: well-formed and not reserved
 * ({@code platform} is the platform's own tenant). Whoever holds the signing key, a token acting as the
 * platform is refused like a forged one, with a 401.
 */
final class TenantClaim implements OAuth2TokenValidator<Jwt> {

    private final Claims claims;

    TenantClaim(Claims claims) {
        this.claims = claims;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt token) {
        String merchant = claims.merchant(token);
        if (merchant == null) {
            return OAuth2TokenValidatorResult.success();
        }
        try {
            MerchantId.ofMerchant(merchant);
            return OAuth2TokenValidatorResult.success();
        } catch (InvalidInput e) {
            return OAuth2TokenValidatorResult.failure(
                    new OAuth2Error("invalid_token", "The merchant claim " + e.getMessage(), null));
        }
    }
}
