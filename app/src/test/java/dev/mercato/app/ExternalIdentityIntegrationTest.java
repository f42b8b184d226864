package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Tokens from an outside OpenID Connect provider, configured by its issuer alone: its signing keys are found
 * through its discovery document and fetched from its JWKS (both served here by a real HTTP server, as a
 * provider serves them), RS256 and ES256 signatures are verified, issuer and audience
 * checked, and the provider's role claim mapped to Mercato's roles. A tampered, foreign, expired or
 * misaddressed token is refused, and the development issuer is gone.
 */
class ExternalIdentityIntegrationTest extends PlatformIntegrationTest {

    // The provider's issuer: its address, known once its server is listening.
    static String issuer;
    static final String AUDIENCE = "mercato-api";
    static final RSAKey RSA = generateRsa("rsa-1");
    static final ECKey EC = generateEc();
    static final RSAKey FOREIGN = generateRsa("rsa-1");
    static HttpServer provider;

    static RSAKey generateRsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey generateEc() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The provider answers {@code path} with {@code json}. */
    private static void serveJson(String path, byte[] json) {
        provider.createContext(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, json.length);
            exchange.getResponseBody().write(json);
            exchange.close();
        });
    }

    @DynamicPropertySource
    static void identityProvider(DynamicPropertyRegistry registry) throws Exception {
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] jwks = new JWKSet(List.of(RSA.toPublicJWK(), EC.toPublicJWK()))
                .toString()
                .getBytes(StandardCharsets.UTF_8);
        serveJson("/realms/shop/protocol/openid-connect/certs", jwks);
        String base = "http://127.0.0.1:" + provider.getAddress().getPort();
        issuer = base + "/realms/shop";
        // OpenID Connect discovery: only the issuer is configured; its keys are found through this document.
        byte[] discovery = ("{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer
                        + "/protocol/openid-connect/certs\",\"id_token_signing_alg_values_supported\":[\"RS256\",\"ES256\"],"
                        + "\"subject_types_supported\":[\"public\"],\"response_types_supported\":[\"code\"],"
                        + "\"authorization_endpoint\":\"" + issuer + "/protocol/openid-connect/auth\"}")
                .getBytes(StandardCharsets.UTF_8);
        serveJson("/realms/shop/.well-known/openid-configuration", discovery);
        provider.start();
        registry.add("mercato.identity.issuer-uri", () -> issuer);
        registry.add("mercato.identity.audiences", () -> AUDIENCE);
        registry.add("mercato.identity.role-claim", () -> "realm_access.roles");
        registry.add("mercato.identity.roles.shop-admin", () -> "admin");
    }

    @AfterAll
    static void stopProvider() {
        if (provider != null) {
            provider.stop(0);
        }
    }

    private static JWTClaimsSet.Builder claims(List<String> roles) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(List.of(AUDIENCE, "account"))
                .subject("oidc-user-1")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("realm_access", Map.of("roles", roles));
    }

    private static String sign(JWTClaimsSet claims, JWSAlgorithm algorithm, String kid, JWSSigner signer)
            throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(algorithm)
                        .keyID(kid)
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String rs256(JWTClaimsSet claims) throws Exception {
        return sign(claims, JWSAlgorithm.RS256, "rsa-1", new RSASSASigner(RSA));
    }

    private int views(String token) throws Exception {
        return send("GET", "/api/v1/plane/views", token, null).statusCode();
    }

    @Test
    void rs256_and_es256_tokens_from_the_provider_are_accepted_with_their_roles_mapped() throws Exception {
        assertThat(views(rs256(claims(List.of("offline_access", "shop-admin")).build())))
                .isEqualTo(200);
        assertThat(views(sign(claims(List.of("shop-admin")).build(), JWSAlgorithm.ES256, "ec-1", new ECDSASigner(EC))))
                .isEqualTo(200);
        // A customer of the provider is a customer here: authenticated, and refused an admin route.
        String customer =
                rs256(claims(List.of("customer")).subject("oidc-customer").build());
        assertThat(views(customer)).isEqualTo(403);
        assertThat(send("GET", "/api/v1/orders", customer, null).statusCode()).isEqualTo(200);
        // A token with no role Mercato knows is authenticated but may do nothing that needs one.
        assertThat(send(
                                "POST",
                                "/api/v1/orders",
                                rs256(claims(List.of("viewer")).build()),
                                "{\"cartId\":\"x\"}")
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void tampered_foreign_expired_and_misaddressed_tokens_are_refused() throws Exception {
        String admin = rs256(claims(List.of("shop-admin")).build());
        String[] parts = admin.split("\\.");
        String lifted = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("oidc-user-1", "oidc-user-2")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(views(parts[0] + "." + lifted + "." + parts[2]))
                .as("payload changed")
                .isEqualTo(401);
        assertThat(views(sign(
                        claims(List.of("shop-admin")).build(), JWSAlgorithm.RS256, "rsa-1", new RSASSASigner(FOREIGN))))
                .as("signed by another key under the same key id")
                .isEqualTo(401);
        assertThat(views(rs256(claims(List.of("shop-admin"))
                        .issuer("https://evil.example.test")
                        .build())))
                .as("another issuer")
                .isEqualTo(401);
        assertThat(views(rs256(
                        claims(List.of("shop-admin")).audience("another-api").build())))
                .as("another audience")
                .isEqualTo(401);
        assertThat(views(rs256(claims(List.of("shop-admin"))
                        .issueTime(Date.from(Instant.now().minusSeconds(7200)))
                        .expirationTime(Date.from(Instant.now().minusSeconds(3600)))
                        .build())))
                .as("expired")
                .isEqualTo(401);
        assertThat(views(admin)).as("the untouched token").isEqualTo(200);
    }

    @Test
    void the_development_issuer_is_gone_when_a_provider_is_set() throws Exception {
        var issued = send("POST", "/api/v1/dev/tokens", null, "{\"role\":\"admin\",\"subject\":\"dev\"}");
        assertThat(issued.statusCode()).isIn(401, 404);
    }
}
