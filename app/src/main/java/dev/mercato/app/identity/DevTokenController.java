package dev.mercato.app.identity;

import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.security.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The development token issuer. It exists only in embedded mode (and can be switched off there): in
 * external mode tokens come from the operator's identity provider, signed with the shared key.
 */
@RestController
@RequestMapping("/api/v1/dev")
@ConditionalOnExpression("'${mercato.mode:embedded}' == 'embedded' and ${mercato.identity.dev-tokens:true}"
        + " and '${mercato.identity.issuer-uri:}' == '' and '${mercato.identity.jwk-set-uri:}' == ''")
@Tag(
        name = "Identity (development)",
        description = "The development token issuer, in embedded mode only: in external mode tokens come from the"
                + " operator's identity provider.")
class DevTokenController {

    private final JwtEncoder encoder;
    private final IdentitySettings settings;

    DevTokenController(JwtEncoder encoder, IdentitySettings settings) {
        this.encoder = encoder;
        this.settings = settings;
    }

    record TokenRequest(String role, String subject, String merchant) {}

    record TokenResponse(String token, String tokenType, Instant expiresAt) {}

    @PostMapping("/tokens")
    @Operation(
            summary = "Issue a development token",
            operationId = "issueDevToken",
            description = "Public, embedded mode only. A bearer token for any role (customer, merchant with its"
                    + " merchant, admin) and subject: for trying the API, never for production.")
    @SecurityRequirements
    @ApiResponse(responseCode = "200", description = "The token, to send as Authorization: Bearer <token>")
    TokenResponse issue(@RequestBody TokenRequest request) {
        Role role = Role.parse(request.role());
        String subject = request.subject();
        if (subject == null || !subject.matches("[A-Za-z0-9._@-]{1,100}")) {
            throw new InvalidInput("subject", "must be 1-100 letters, digits or ._@-");
        }
        if (role == Role.MERCHANT
                && (request.merchant() == null || request.merchant().isBlank())) {
            throw new InvalidInput("merchant", "is required for role merchant");
        }
        MerchantId merchant = role == Role.MERCHANT ? MerchantId.ofMerchant(request.merchant()) : null;
        if (role != Role.MERCHANT
                && request.merchant() != null
                && !request.merchant().isBlank()) {
            throw new InvalidInput("merchant", "is only for role merchant");
        }
        Instant now = Instant.now();
        Instant expires = now.plus(Duration.ofHours(settings.tokenHours()));
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
                .issuer(SecurityConfiguration.ISSUER)
                .subject(subject)
                .issuedAt(now)
                .expiresAt(expires)
                .claim("role", role.wire());
        if (role == Role.MERCHANT) {
            claims.claim("merchant", merchant.value());
        }
        String token = encoder.encode(JwtEncoderParameters.from(
                        JwsHeader.with(MacAlgorithm.HS256).build(), claims.build()))
                .getTokenValue();
        return new TokenResponse(token, "Bearer", expires);
    }
}
