package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Search may be wrong about stock, and checkout never trusts it: with the search view stalled, a sold-out
 * product is still listed as in stock, checkout refuses it from inventory's truth, and checkout keeps
 * working; once the view runs again it catches up and says so.
 */
class StaleSearchIntegrationTest extends PlatformIntegrationTest {

    @Test
    void a_stale_search_shows_a_sold_out_product_in_stock_and_checkout_refuses_it() throws Exception {
        String admin = token("admin", "ops", null);
        String merchant = token("merchant", "mo", "casa-bella");
        String ada = token("customer", "ada-stale", null);
        String bob = token("customer", "bob-stale", null);
        var created = send(
                "POST",
                "/api/v1/products",
                merchant,
                "{\"sku\":\"STALE-1\",\"title\":\"Narwhal Vase\",\"category\":\"home/stale\","
                        + "\"price\":{\"amount\":\"30.00\",\"currency\":\"EUR\"}}");
        var stocked = send("PUT", "/api/v1/inventory/STALE-1", merchant, "{\"onHand\":1}");
        String tokens = created.headers()
                        .firstValue("Mercato-Consistency-Token")
                        .orElseThrow() + ","
                + stocked.headers().firstValue("Mercato-Consistency-Token").orElseThrow();
        assertThat(inStock(send(
                        "GET", "/api/v1/search?q=narwhal", null, null, Map.of("Mercato-Consistency-Token", tokens))))
                .isTrue();

        assertThat(send("POST", "/api/v1/plane/views/search/pause", admin, null).statusCode())
                .isEqualTo(200);
        try {
            var sold = checkout(ada, cart(ada));
            assertThat(sold.statusCode()).as(sold.body()).isEqualTo(201);

            var stale = send("GET", "/api/v1/search?q=narwhal", null, null);
            assertThat(inStock(stale))
                    .as("search still believes it is in stock")
                    .isTrue();
            var refused = checkout(bob, cart(bob));
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(json(refused).get("type").asString()).endsWith("/out-of-stock");
            assertThat(json(refused).get("skus").toString()).contains("STALE-1");
        } finally {
            send("POST", "/api/v1/plane/views/search/resume", admin, null);
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !inStock(send("GET", "/api/v1/search?q=narwhal", null, null)));
    }

    static boolean inStock(java.net.http.HttpResponse<String> search) {
        JsonNode items = json(search).get("items");
        return items.size() == 1 && items.get(0).get("inStock").asBoolean();
    }

    String cart(String customer) throws Exception {
        String id =
                json(send("POST", "/api/v1/carts", customer, "{}")).get("id").asString();
        send("PUT", "/api/v1/carts/" + id + "/items/STALE-1", customer, "{\"quantity\":1}");
        return id;
    }

    java.net.http.HttpResponse<String> checkout(String customer, String cart) throws Exception {
        return send(
                "POST",
                "/api/v1/orders",
                customer,
                "{\"cartId\":\"" + cart + "\"}",
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
    }
}
