package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

/** Authentication and roles at the HTTP edge, against the whole platform on its embedded stores. */
class IdentityIntegrationTest extends PlatformIntegrationTest {

    @Autowired
    JwtEncoder encoder;

    @Test
    void anyone_reads_the_catalog_without_a_token() throws Exception {
        assertThat(send("GET", "/api/v1/products/OUT-TENT-001", null, null).statusCode())
                .isEqualTo(200);
    }

    @Test
    void admin_routes_answer_401_without_a_token_403_for_other_roles_and_200_for_admins() throws Exception {
        var anonymous = send("GET", "/actuator/metrics", null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(anonymous.body()).contains("https://mercato.dev/problems/unauthenticated");

        assertThat(send("GET", "/actuator/metrics", token("customer", "ann", null), null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(send("GET", "/actuator/metrics", token("merchant", "mo", "north-wind"), null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(send("GET", "/actuator/metrics", token("admin", "root", null), null)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void a_forged_or_garbled_token_is_refused() throws Exception {
        String good = token("admin", "root", null);
        String forged =
                good.substring(0, good.lastIndexOf('.') + 1) + "AAAA" + good.substring(good.lastIndexOf('.') + 5);
        assertThat(send("GET", "/actuator/metrics", forged, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/actuator/metrics", "not-a-jwt", null).statusCode())
                .isEqualTo(401);
    }

    @Test
    void the_dev_issuer_refuses_bad_requests_with_the_field_at_fault() throws Exception {
        var badRole = send("POST", "/api/v1/dev/tokens", null, "{\"role\":\"god\",\"subject\":\"x\"}");
        assertThat(badRole.statusCode()).isEqualTo(400);
        assertThat(badRole.body()).contains("\"field\":\"role\"");
        var merchantWithoutMerchant =
                send("POST", "/api/v1/dev/tokens", null, "{\"role\":\"merchant\",\"subject\":\"x\"}");
        assertThat(merchantWithoutMerchant.statusCode()).isEqualTo(400);
        assertThat(merchantWithoutMerchant.body()).contains("\"field\":\"merchant\"");
        var malformed = send("POST", "/api/v1/dev/tokens", null, "{\"role\":");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("https://mercato.dev/problems/invalid-input");
        // Authenticated, so the request reaches MVC (without a token, security answers 401 first).
        var wrongMethod = send("DELETE", "/api/v1/dev/tokens", token("admin", "root", null), null);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.body()).contains("https://mercato.dev/problems/method-not-allowed");
    }

    @Test
    void no_token_acts_as_a_reserved_tenant_whether_issued_signed_or_named_by_an_admin() throws Exception {
        for (String reserved : List.of("platform", "me")) {
            var issued = send(
                    "POST",
                    "/api/v1/dev/tokens",
                    null,
                    "{\"role\":\"merchant\",\"subject\":\"x\",\"merchant\":\"" + reserved + "\"}");
            assertThat(issued.statusCode()).as(issued.body()).isEqualTo(400);
            assertThat(issued.body()).contains("\"field\":\"merchant\"").contains("reserved");

            // Signed with the platform's own key, as a token from any issuer it trusts would be.
            Instant now = Instant.now();
            String signed = encoder.encode(JwtEncoderParameters.from(
                            JwsHeader.with(MacAlgorithm.HS256).build(),
                            JwtClaimsSet.builder()
                                    .subject("mallory")
                                    .issuedAt(now)
                                    .expiresAt(now.plusSeconds(600))
                                    .claim("role", "merchant")
                                    .claim("merchant", reserved)
                                    .build()))
                    .getTokenValue();
            var verified = send("GET", "/api/v1/inventory", signed, null);
            assertThat(verified.statusCode()).as(verified.body()).isEqualTo(401);
            assertThat(verified.body()).contains("https://mercato.dev/problems/unauthenticated");

            var actingFor = send("GET", "/api/v1/inventory?merchant=" + reserved, token("admin", "root", null), null);
            assertThat(actingFor.statusCode()).as(actingFor.body()).isEqualTo(400);
            assertThat(actingFor.body()).contains("\"field\":\"merchant\"");
        }
    }

    @Test
    void health_shows_everyone_its_status_and_only_admins_its_components() throws Exception {
        var anonymous = send("GET", "/actuator/health", null, null);
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(json(anonymous).path("status").asString()).isEqualTo("UP");
        assertThat(json(anonymous).propertyNames()).doesNotContain("components", "details");
        assertThat(anonymous.body()).doesNotContain("127.0.0.1", "clusterId", "path");
        var customer = send("GET", "/actuator/health", token("customer", "ann", null), null);
        assertThat(json(customer).propertyNames()).doesNotContain("components", "details");

        var admin = send("GET", "/actuator/health", token("admin", "root", null), null);
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(json(admin).path("components").propertyNames()).contains("postgres", "kafka");
    }
}
