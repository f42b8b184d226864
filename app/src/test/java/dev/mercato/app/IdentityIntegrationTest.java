package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Authentication and roles at the HTTP edge, against the whole platform on its embedded stores. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class IdentityIntegrationTest {

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void dataFolder(DynamicPropertyRegistry registry) throws Exception {
        Path folder = Files.createTempDirectory("mercato-identity-it");
        registry.add("mercato.data-dir", folder::toString);
    }

    HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    String token(String role, String subject, String merchant) throws Exception {
        String body = "{\"role\":\"" + role + "\",\"subject\":\"" + subject + "\""
                + (merchant == null ? "" : ",\"merchant\":\"" + merchant + "\"") + "}";
        var response = send("POST", "/api/v1/dev/tokens", null, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Matcher m = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(response.body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

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
    }
}
