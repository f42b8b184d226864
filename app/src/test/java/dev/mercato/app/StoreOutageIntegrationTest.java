package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.plane.postgres.PostgresStores;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A store that goes away under the platform (its connections cut, new ones refused, as when a PostgreSQL
 * server dies) makes the requests that need it answer 503 with Retry-After, never 500: the request was
 * fine, and it can be retried once the store is back, which it then is.
 */
class StoreOutageIntegrationTest extends PlatformIntegrationTest {

    @Autowired
    PostgresStores stores;

    void ordersStoreDown(boolean down) throws Exception {
        String role = PostgresStores.roleOf("orders");
        try (Connection admin = stores.adminConnection();
                Statement s = admin.createStatement()) {
            s.execute("ALTER ROLE " + role + (down ? " NOLOGIN" : " LOGIN"));
            if (down) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
            }
        }
    }

    @Test
    void requests_that_need_a_store_that_is_gone_answer_503_and_work_again_once_it_is_back() throws Exception {
        String merchant = token("merchant", "mo", "casa-bella");
        String ada = token("customer", "ada-outage", null);
        String sku = "OUTAGE-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        send(
                "POST",
                "/api/v1/products",
                merchant,
                "{\"sku\":\"" + sku + "\",\"title\":\"Outage lamp\",\"category\":\"home/outage\","
                        + "\"price\":{\"amount\":\"9.00\",\"currency\":\"EUR\"}}");
        assertThat(send("PUT", "/api/v1/inventory/" + sku, merchant, "{\"onHand\":5}")
                        .statusCode())
                .isEqualTo(200);
        String cart = json(send("POST", "/api/v1/carts", ada, "{}")).get("id").asString();
        send("PUT", "/api/v1/carts/" + cart + "/items/" + sku, ada, "{\"quantity\":1}");
        var placed = send(
                "POST",
                "/api/v1/orders",
                ada,
                "{\"cartId\":\"" + cart + "\"}",
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        String order = json(placed).get("id").asString();

        List<HttpResponse<String>> during = new ArrayList<>();
        ordersStoreDown(true);
        try {
            during.add(send("GET", "/api/v1/orders/" + order, ada, null));
            during.add(send("POST", "/api/v1/orders/" + order + "/cancel", ada, null));
            during.add(send("GET", "/api/v1/orders?limit=5", ada, null));
        } finally {
            ordersStoreDown(false);
        }

        for (HttpResponse<String> r : during) {
            assertThat(r.statusCode()).as(r.request().uri() + ": " + r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(r.body()).contains("store-unavailable");
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> send("GET", "/api/v1/orders/" + order, ada, null).statusCode() == 200);
        var cancelled = send("POST", "/api/v1/orders/" + order + "/cancel", ada, null);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(json(cancelled).get("status").asString()).isEqualTo("cancelled");
    }
}
