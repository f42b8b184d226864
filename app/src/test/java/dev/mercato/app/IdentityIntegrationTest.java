package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Authentication and roles at the HTTP edge, against the whole platform on its embedded stores. */
class IdentityIntegrationTest extends PlatformIntegrationTest {

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
}
