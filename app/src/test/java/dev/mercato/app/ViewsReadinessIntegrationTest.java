package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.app.stores.KafkaAddress;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.kafka.DurabilitySettings;
import dev.mercato.plane.kafka.LogTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A platform whose search view cannot consume yet (one of its topics does not exist) is alive but not
 * ready, says so in its banner, and its search answers say their freshness is unknown; once the topic
 * exists the view consumes and the platform becomes ready.
 */
@ExtendWith(OutputCaptureExtension.class)
class ViewsReadinessIntegrationTest {

    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path data;

    final HttpClient http = HttpClient.newHttpClient();
    int port;

    @Test
    void readiness_is_down_until_every_view_consumes_then_up_and_liveness_is_up_throughout(CapturedOutput output)
            throws Exception {
        // Not a capability's topic, so start-up does not create it.
        String later = "later-" + UUID.randomUUID();
        try (ConfigurableApplicationContext platform = new SpringApplicationBuilder(MercatoApplication.class)
                .run(
                        "--mercato.data-dir=" + data,
                        "--server.port=0",
                        "--mercato.sample-data=false",
                        "--mercato.search.topics=mercato.catalog,mercato.inventory," + later,
                        // Start-up stops waiting for the views after a second instead of a minute.
                        "--mercato.plane.views-start-wait=1s")) {
            port = ((WebServerApplicationContext) platform).getWebServer().getPort();
            String admin = json(send("/api/v1/dev/tokens", null, "{\"role\":\"admin\",\"subject\":\"ops\"}"))
                    .get("token")
                    .asString();

            assertThat(get("/actuator/health/readiness", null).statusCode()).isEqualTo(503);
            assertThat(json(get("/actuator/health/readiness", null))
                            .get("status")
                            .asString())
                    .isEqualTo("OUT_OF_SERVICE");
            assertThat(get("/actuator/health", null).statusCode()).isEqualTo(503);
            assertThat(get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
            JsonNode components = json(get("/actuator/health", admin)).get("components");
            assertThat(components.get("views").get("details").get("waitingFor").has("search"))
                    .isTrue();
            assertThat(output.getOut()).contains("NOT READY").contains("search");

            JsonNode search = view(admin, "search");
            assertThat(search.get("state").asString()).isEqualTo("starting");
            assertThat(search.get("lagEvents").isNull()).as("unknown, not 0").isTrue();
            assertThat(search.get("lagMs").isNull()).isTrue();
            assertThat(search.get("started").asBoolean()).isFalse();
            assertThat(get("/api/v1/search?q=anything", null).headers().firstValue("Mercato-Freshness"))
                    .hasValue("lag-ms=unknown; as-of=unknown; stale");

            LogTopics.ensure(
                    platform.getBean(KafkaAddress.class).bootstrapServers(),
                    List.of(later),
                    8,
                    DurabilitySettings.EMBEDDED);

            await().atMost(WAIT)
                    .until(() -> get("/actuator/health/readiness", null).statusCode() == 200);
            assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
            for (JsonNode v : json(get("/api/v1/plane/views", admin)).get("items")) {
                if (v.get("active").asBoolean()) {
                    assertThat(v.get("started").asBoolean()).as(v.toString()).isTrue();
                }
            }
            await().atMost(WAIT)
                    .until(() -> get("/api/v1/search?q=anything", null)
                            .headers()
                            .firstValue("Mercato-Freshness")
                            .orElseThrow()
                            .matches("lag-ms=\\d+; as-of=\\S+"));
            await().atMost(WAIT).until(() -> output.getOut().contains("Every view is consuming: Mercato is ready"));
        }
    }

    JsonNode view(String admin, String name) throws Exception {
        for (JsonNode v : json(get("/api/v1/plane/views", admin)).get("items")) {
            if (v.get("view").asString().equals(name) && v.get("active").asBoolean()) {
                return v;
            }
        }
        throw new AssertionError("no view " + name);
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String path, String token, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) {
        return EventJson.tree(response.body());
    }
}
