package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.plane.postgres.PostgresStores;
import dev.mercato.plane.testing.StoreOutage;
import java.net.http.HttpResponse;
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

    @Test
    void requests_that_need_a_store_that_is_gone_answer_503_and_work_again_once_it_is_back() throws Exception {
        String merchant = token("merchant", "mo", "casa-bella");
        String ada = token("customer", "ada-outage", null);
        String sku = "OUTAGE-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        stockedProduct(merchant, sku, "9.00", 5);
        var placed = checkout(ada, Map.of(sku, 1));
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        String order = json(placed).get("id").asString();

        List<HttpResponse<String>> during = new ArrayList<>();
        StoreOutage.down(stores, "orders");
        try {
            during.add(send("GET", "/api/v1/orders/" + order, ada, null));
            during.add(send("POST", "/api/v1/orders/" + order + "/cancel", ada, null));
            during.add(send("GET", "/api/v1/orders?limit=5", ada, null));
        } finally {
            StoreOutage.up(stores, "orders");
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
