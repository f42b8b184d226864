package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The data-plane contract over HTTP: writes return tokens, derived reads say how fresh they are. */
class DataPlaneIntegrationTest extends PlatformIntegrationTest {

    static String product(String sku, String title) {
        return "{\"sku\":\"" + sku + "\",\"title\":\"" + title + "\",\"description\":\"test\","
                + "\"category\":\"home/kitchen/teapots\",\"price\":{\"amount\":\"39.00\",\"currency\":\"EUR\"}}";
    }

    @Test
    void a_write_returns_a_token_and_a_search_that_passes_it_sees_the_write() throws Exception {
        String merchant = token("merchant", "mo", "casa-bella");
        var created = send("POST", "/api/v1/products", merchant, product("RYW-TEAPOT-1", "Quokka Teapot"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String written =
                created.headers().firstValue("Mercato-Consistency-Token").orElseThrow();

        var found = send("GET", "/api/v1/search?q=quokka", null, null, Map.of("Mercato-Consistency-Token", written));
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(found.body()).contains("RYW-TEAPOT-1");
        assertThat(found.headers().firstValue("Mercato-Freshness"))
                .hasValueSatisfying(
                        f -> assertThat(f).matches("lag-ms=\\d+; as-of=\\S+").doesNotContain("stale"));
    }

    @Test
    void a_paused_view_lags_and_says_its_reads_are_stale_then_catches_up_after_resume() throws Exception {
        String admin = token("admin", "ops", null);
        String merchant = token("merchant", "mo", "casa-bella");
        assertThat(send("POST", "/api/v1/plane/views/search/pause", admin, null).statusCode())
                .isEqualTo(200);
        try {
            var written = send("POST", "/api/v1/products", merchant, product("LAG-TEAPOT-1", "Wombat Teapot"));
            String token =
                    written.headers().firstValue("Mercato-Consistency-Token").orElseThrow();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> send("GET", "/api/v1/plane/views", admin, null)
                            .body()
                            .matches("(?s).*\"lagEvents\":[1-9].*"));
            var stale = send("GET", "/api/v1/search?q=wombat", null, null, Map.of("Mercato-Consistency-Token", token));
            assertThat(stale.body()).doesNotContain("LAG-TEAPOT-1");
            assertThat(stale.headers().firstValue("Mercato-Freshness"))
                    .hasValueSatisfying(f -> assertThat(f).endsWith("; stale"));
        } finally {
            send("POST", "/api/v1/plane/views/search/resume", admin, null);
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> send("GET", "/api/v1/search?q=wombat", null, null)
                        .body()
                        .contains("LAG-TEAPOT-1"));
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        !send("GET", "/api/v1/plane/views", admin, null).body().matches("(?s).*\"lagEvents\":[1-9].*"));
    }

    @Test
    void operators_see_every_outbox_and_view_and_unknown_names_are_404() throws Exception {
        String admin = token("admin", "ops", null);
        String outbox = send("GET", "/api/v1/plane/outbox", admin, null).body();
        for (String capability : new String[] {"catalog", "inventory", "orders", "payments", "customers"}) {
            assertThat(outbox).contains("\"capability\":\"" + capability + "\"");
        }
        assertThat(send("GET", "/api/v1/plane/views", admin, null).body()).contains("\"view\":\"search\"");
        assertThat(send("GET", "/api/v1/plane/dead-letters", admin, null).body())
                .isEqualTo("{\"items\":[]}");
        assertThat(send("POST", "/api/v1/plane/views/nope/rebuild", admin, null).statusCode())
                .isEqualTo(404);
        assertThat(send("GET", "/api/v1/plane/dead-letters/search-x", admin, null)
                        .statusCode())
                .isEqualTo(400);
        assertThat(send("GET", "/api/v1/plane/views", token("merchant", "mo", "casa-bella"), null)
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void outbox_backlog_and_view_lag_are_micrometer_gauges() throws Exception {
        String admin = token("admin", "ops", null);
        var backlog = send("GET", "/actuator/metrics/mercato.outbox.unpublished", admin, null);
        assertThat(backlog.statusCode()).as(backlog.body()).isEqualTo(200);
        for (String capability : new String[] {"catalog", "inventory", "orders", "payments", "customers"}) {
            assertThat(backlog.body()).contains("\"" + capability + "\"");
        }
        assertThat(send("GET", "/actuator/metrics/mercato.outbox.oldest.age", admin, null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(send("GET", "/actuator/metrics/mercato.view.lag", admin, null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(send("GET", "/actuator/metrics/mercato.view.lag.events", admin, null)
                        .body())
                .contains("\"VALUE\"");
    }

    @Test
    void a_rebuild_while_serving_ends_with_the_same_search_results() throws Exception {
        String admin = token("admin", "ops", null);
        String before = send("GET", "/api/v1/search?category=outdoor&limit=100&sort=price-asc", null, null)
                .body();
        var rebuild = send("POST", "/api/v1/plane/views/search/rebuild", admin, null);
        assertThat(rebuild.statusCode()).as(rebuild.body()).isEqualTo(202);
        // Reads keep being served while the new generation fills.
        assertThat(send("GET", "/api/v1/search?category=outdoor&limit=1", null, null)
                        .statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> send("GET", "/api/v1/plane/views", admin, null)
                        .body()
                        .matches("(?s).*\"generation\":2,\"active\":true.*"));
        assertThat(send("GET", "/api/v1/search?category=outdoor&limit=100&sort=price-asc", null, null)
                        .body())
                .isEqualTo(before);
    }
}
