package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/**
 * Prometheus scrapes the platform with its own credentials (no token that expires), an admin token works
 * too, and nobody else reads the metrics. What it scrapes says which view is behind, on which partition,
 * and how each capability's pool and the relay's producer are doing.
 */
class PrometheusIntegrationTest extends PlatformIntegrationTest {

    private static final String SCRAPE = "/actuator/prometheus";

    @Value("${mercato.data-dir}")
    Path dataDir;

    private Map<String, String> basic(String user, String password) {
        String credentials =
                Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return Map.of("Authorization", "Basic " + credentials, "Accept", "text/plain");
    }

    private String password() throws Exception {
        return Files.readString(dataDir.resolve("metrics").resolve("scrape.secret"))
                .trim();
    }

    @Test
    void the_scraper_reads_metrics_with_its_credentials_and_nobody_else_does() throws Exception {
        assertThat(send("GET", SCRAPE, null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", SCRAPE, null, null, basic("prometheus", "wrong")).statusCode())
                .isEqualTo(401);
        assertThat(send("GET", SCRAPE, token("customer", "prom-c1", null), null).statusCode())
                .isEqualTo(403);
        assertThat(send("GET", SCRAPE, token("merchant", "prom-m1", "prom-shop"), null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(send("GET", SCRAPE, token("admin", "prom-a1", null), null).statusCode())
                .isEqualTo(200);
        var scraped = send("GET", SCRAPE, null, null, basic("prometheus", password()));
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        // Kept for whoever checks the names docs/operations.md and docs/prometheus/alerts.yml use.
        Files.writeString(Path.of("target", "prometheus.txt"), scraped.body());
        // The scrape credentials open the metrics and nothing else.
        assertThat(send("GET", "/api/v1/plane/views", null, null, basic("prometheus", password()))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void each_view_reports_its_lag_per_partition_and_pools_and_the_producer_are_registered() throws Exception {
        String password = password();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String body = send("GET", SCRAPE, null, null, basic("prometheus", password))
                    .body();
            assertThat(body)
                    .containsPattern("mercato_view_partition_lag_events\\{[^}]*view=\"search\"[^}]*\\} \\d")
                    .containsPattern("mercato_view_partition_lag_seconds\\{[^}]*view=\"order_history\"[^}]*\\}")
                    .containsPattern("hikaricp_connections_active\\{[^}]*pool=\"pg-orders\"")
                    .contains("mercato_outbox_unpublished_rows{capability=\"orders\"")
                    .containsPattern("mercato_write_batched_total\\{[^}]*step=\"orders.place\"[^}]*\\} \\d")
                    .containsPattern("mercato_write_batches_total\\{[^}]*step=\"inventory.reserve\"[^}]*\\} \\d")
                    .containsPattern("mercato_write_queued\\{[^}]*step=\"payments.authorize\"[^}]*\\} \\d")
                    .containsPattern("mercato_view_dead_letters\\{[^}]*view=\"order_history\"[^}]*\\} 0");
        });
        // The views' consumers report as Kafka clients, tagged with their group.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> send("GET", SCRAPE, null, null, basic("prometheus", password))
                        .body()
                        .lines()
                        .anyMatch(l ->
                                l.matches("kafka_consumer_[a-z_]+\\{.*consumer_group=\"view\\.order_history\\..*")));
        // The relay's producer exists once something was published: the sample catalog is, at start.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> send("GET", SCRAPE, null, null, basic("prometheus", password))
                        .body()
                        .contains("kafka_producer_"));
    }

    @Test
    void the_heaviest_statements_are_listed_per_capability_for_an_admin_and_counted_in_the_metrics() throws Exception {
        String admin = token("admin", "prom-a2", null);
        assertThat(send("GET", "/api/v1/plane/statements", token("customer", "prom-c2", null), null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(send("GET", "/api/v1/plane/statements?limit=0", admin, null).statusCode())
                .isEqualTo(400);
        var top = send("GET", "/api/v1/plane/statements?limit=50", admin, null);
        assertThat(top.statusCode()).as(top.body()).isEqualTo(200);
        var items = json(top).get("items");
        assertThat(items.size()).isPositive();
        List<String> capabilities = new ArrayList<>();
        items.forEach(i -> capabilities.add(i.get("capability").asString()));
        // The sample catalog was loaded at start, as the catalog's own role.
        assertThat(capabilities).contains("catalog");
        assertThat(items.get(0).get("totalMillis").asDouble())
                .isGreaterThanOrEqualTo(
                        items.get(items.size() - 1).get("totalMillis").asDouble());
        var catalogOnly = json(send("GET", "/api/v1/plane/statements?capability=catalog", admin, null))
                .get("items");
        catalogOnly.forEach(i -> assertThat(i.get("capability").asString()).isEqualTo("catalog"));
        String password = password();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> send("GET", SCRAPE, null, null, basic("prometheus", password))
                        .body()
                        .lines()
                        .anyMatch(l -> l.startsWith("mercato_db_statements_calls_total{capability=\"catalog\"}")
                                && !l.endsWith(" 0.0")));
    }
}
