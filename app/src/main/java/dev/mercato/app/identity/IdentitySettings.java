package dev.mercato.app.identity;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who signs the bearer tokens the platform accepts: an OpenID Connect provider (any: Keycloak, Auth0, Entra
 * ID, Cognito, ...) when {@code issuerUri} or {@code jwkSetUri} is set, otherwise the development issuer (an
 * HMAC secret, tokens from {@code POST /api/v1/dev/tokens}).
 *
 * @param jwtSecret the development issuer's HMAC-SHA256 key (32+ characters); embedded mode generates one
 *     into the data folder when empty. Not used once a provider is set
 * @param devTokens whether POST /api/v1/dev/tokens exists: embedded mode only, and never with a provider
 * @param tokenHours how long a development token lives
 * @param issuerUri the provider's issuer: every token's {@code iss} must equal it; its keys are found through
 *     its discovery document ({@code <issuer>/.well-known/openid-configuration}) unless {@code jwkSetUri} is set
 * @param jwkSetUri where the provider publishes its signing keys (JWKS), fetched and refreshed on a key it
 *     does not know yet
 * @param audiences when not empty, a token's {@code aud} must name one of them
 * @param algorithms the signature algorithms accepted from the provider
 * @param roleClaim the claim carrying the caller's role, a dotted path into nested claims ({@code
 *     realm_access.roles}); a string or a list of strings
 * @param merchantClaim the claim carrying a merchant caller's merchant id
 * @param roles the provider's role values as Mercato roles ({@code shop-owner: merchant}); a value not listed
 *     is taken as it is ({@code customer}, {@code merchant}, {@code admin})
 */
@ConfigurationProperties("mercato.identity")
public record IdentitySettings(
        @DefaultValue("") String jwtSecret,
        @DefaultValue("true") boolean devTokens,
        @DefaultValue("12") int tokenHours,
        @DefaultValue("") String issuerUri,
        @DefaultValue("") String jwkSetUri,
        @DefaultValue({}) List<String> audiences,
        @DefaultValue({"RS256", "ES256"}) List<String> algorithms,
        @DefaultValue("role") String roleClaim,
        @DefaultValue("merchant") String merchantClaim,
        @DefaultValue({}) Map<String, String> roles) {

    /** Whether tokens come from an outside provider rather than the development issuer. */
    public boolean provider() {
        return !issuerUri.isBlank() || !jwkSetUri.isBlank();
    }
}
