package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.plane.events.EventJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The whole platform on its embedded stores, over HTTP. Subclasses share one Spring context (and so one
 * PostgreSQL, broker and data folder), which keeps the suite fast.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@org.springframework.context.annotation.Import(TestSpans.class)
abstract class PlatformIntegrationTest {

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void dataFolder(DynamicPropertyRegistry registry) throws Exception {
        Path folder = Files.createTempDirectory("mercato-platform-it");
        registry.add("mercato.data-dir", folder::toString);
    }

    HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        return send(method, path, token, body, Map.of());
    }

    HttpResponse<String> send(String method, String path, String token, String body, Map<String, String> headers)
            throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<String> outboxes;

    /**
     * The newest event position in every capability's outbox, read in one statement: a refused request
     * must not move any. Positions only grow, so a purge of published rows does not read as a change.
     */
    Map<String, Long> outboxPositions(Connection c) throws SQLException {
        if (outboxes == null) {
            List<String> schemas = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT table_schema FROM information_schema.tables"
                            + " WHERE table_name = 'outbox' ORDER BY table_schema")) {
                while (rs.next()) {
                    schemas.add(rs.getString(1));
                }
            }
            outboxes = List.copyOf(schemas);
        }
        Map<String, Long> positions = new LinkedHashMap<>();
        String union = String.join(
                " UNION ALL ",
                outboxes.stream()
                        .map(schema -> "SELECT '" + schema + "', coalesce(max(position), 0) FROM " + schema + ".outbox")
                        .toList());
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(union)) {
            while (rs.next()) {
                positions.put(rs.getString(1), rs.getLong(2));
            }
        }
        return positions;
    }

    /** A product of the merchant whose token this is, with {@code onHand} units in stock. */
    void stockedProduct(String merchant, String sku, String price, int onHand) throws Exception {
        var created = send(
                "POST",
                "/api/v1/products",
                merchant,
                "{\"sku\":\"" + sku + "\",\"title\":\"Product " + sku + "\",\"category\":\"home/tests\","
                        + "\"price\":{\"amount\":\"" + price + "\",\"currency\":\"EUR\"}}");
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
        var stocked = send("PUT", "/api/v1/inventory/" + sku, merchant, "{\"onHand\":" + onHand + "}");
        assertThat(stocked.statusCode()).as(stocked.body()).isEqualTo(200);
    }

    /** A checkout of a new cart of the customer's holding {@code items} (SKU to quantity), with a new key. */
    HttpResponse<String> checkout(String customer, Map<String, Integer> items) throws Exception {
        String cart =
                json(send("POST", "/api/v1/carts", customer, "{}")).get("id").asString();
        for (var item : items.entrySet()) {
            var line = send(
                    "PUT",
                    "/api/v1/carts/" + cart + "/items/" + item.getKey(),
                    customer,
                    "{\"quantity\":" + item.getValue() + "}");
            assertThat(line.statusCode()).as(line.body()).isEqualTo(200);
        }
        return send(
                "POST",
                "/api/v1/orders",
                customer,
                "{\"cartId\":\"" + cart + "\"}",
                Map.of("Idempotency-Key", java.util.UUID.randomUUID().toString()));
    }

    static JsonNode json(HttpResponse<String> response) {
        return EventJson.tree(response.body());
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
}
