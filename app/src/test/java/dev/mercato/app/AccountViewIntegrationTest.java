package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The account view's proofs: replay equals incremental; a stalled view lags, says so, and catches up. */
class AccountViewIntegrationTest extends PlatformIntegrationTest {

    HttpResponse<String> order(String merchant, String customer, String sku) throws Exception {
        send(
                "POST",
                "/api/v1/products",
                merchant,
                "{\"sku\":\"" + sku + "\",\"title\":\"Account " + sku + "\",\"category\":\"home/account\","
                        + "\"price\":{\"amount\":\"8.00\",\"currency\":\"EUR\"}}");
        send("PUT", "/api/v1/inventory/" + sku, merchant, "{\"onHand\":10}");
        String cart =
                json(send("POST", "/api/v1/carts", customer, "{}")).get("id").asString();
        send("PUT", "/api/v1/carts/" + cart + "/items/" + sku, customer, "{\"quantity\":1}");
        var placed = send(
                "POST",
                "/api/v1/orders",
                customer,
                "{\"cartId\":\"" + cart + "\"}",
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        return placed;
    }

    @Test
    void a_rebuild_of_the_account_view_while_it_serves_ends_with_the_same_answers() throws Exception {
        String admin = token("admin", "ops", null);
        String merchant = token("merchant", "mo", "casa-bella");
        String ada = token("customer", "ada-rebuild", null);
        var last = order(merchant, ada, "ACC-REBUILD-1");
        order(merchant, ada, "ACC-REBUILD-2");
        String id = json(last).get("id").asString();
        var moved = send("POST", "/api/v1/orders/" + id + "/fulfillment", merchant, "{\"status\":\"picked\"}");
        String token = moved.headers().firstValue("Mercato-Consistency-Token").orElseThrow();
        String before = send(
                        "GET", "/api/v1/customers/me/orders", ada, null, Map.of("Mercato-Consistency-Token", token))
                .body();
        assertThat(before).contains("picking");

        var rebuild = send("POST", "/api/v1/plane/views/order_history/rebuild", admin, null);
        assertThat(rebuild.statusCode()).as(rebuild.body()).isEqualTo(202);
        int next = json(rebuild).get("generation").asInt();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> send("GET", "/api/v1/plane/views", admin, null)
                        .body()
                        .matches("(?s).*\"view\":\"order_history\",\"generation\":" + next + ",\"active\":true.*"));
        assertThat(send("GET", "/api/v1/customers/me/orders", ada, null).body()).isEqualTo(before);
    }

    @Test
    void a_paused_account_view_lags_says_its_reads_are_stale_while_checkout_works_then_catches_up() throws Exception {
        String admin = token("admin", "ops", null);
        String merchant = token("merchant", "mo", "casa-bella");
        String ada = token("customer", "ada-lag", null);
        assertThat(send("POST", "/api/v1/plane/views/order_history/pause", admin, null)
                        .statusCode())
                .isEqualTo(200);
        String id;
        String token;
        try {
            var placed = order(merchant, ada, "ACC-LAG-1");
            id = json(placed).get("id").asString();
            token = placed.headers().firstValue("Mercato-Consistency-Token").orElseThrow();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> send("GET", "/api/v1/plane/views", admin, null)
                            .body()
                            .matches("(?s).*\"view\":\"order_history\"[^\\]]*\"lagEvents\":[1-9].*"));
            var stale =
                    send("GET", "/api/v1/customers/me/orders", ada, null, Map.of("Mercato-Consistency-Token", token));
            assertThat(stale.body()).doesNotContain(id);
            assertThat(stale.headers().firstValue("Mercato-Freshness"))
                    .hasValueSatisfying(f -> assertThat(f).endsWith("; stale"));
            // The source of truth has it all along.
            assertThat(send("GET", "/api/v1/orders/" + id, ada, null).statusCode())
                    .isEqualTo(200);
        } finally {
            send("POST", "/api/v1/plane/views/order_history/resume", admin, null);
        }
        var caughtUp =
                send("GET", "/api/v1/customers/me/orders", ada, null, Map.of("Mercato-Consistency-Token", token));
        assertThat(caughtUp.body()).contains(id);
        assertThat(caughtUp.headers().firstValue("Mercato-Freshness"))
                .hasValueSatisfying(f -> assertThat(f).doesNotContain("stale"));
    }
}
