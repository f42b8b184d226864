package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * One checkout is one trace: the request's span, the relay publishing each event it wrote, and each view
 * applying them, all in the trace the caller started (W3C traceparent), through the outbox row and the
 * Kafka record that carry it.
 */
class TraceIntegrationTest extends PlatformIntegrationTest {

    @Autowired
    InMemorySpanExporter spans;

    @Test
    void a_checkout_is_one_trace_from_the_request_through_the_relay_to_the_views() throws Exception {
        String merchant = token("merchant", "trace-m1", "trace-shop");
        String customer = token("customer", "trace-c1", null);
        stockedProduct(merchant, "TRACE-1", "12.50", 10);
        Random random = new Random();
        byte[] id = new byte[16];
        random.nextBytes(id);
        String traceId = HexFormat.of().formatHex(id);
        String cart =
                json(send("POST", "/api/v1/carts", customer, "{}")).get("id").asString();
        assertThat(send("PUT", "/api/v1/carts/" + cart + "/items/TRACE-1", customer, "{\"quantity\":2}")
                        .statusCode())
                .isEqualTo(200);

        var placed = send(
                "POST",
                "/api/v1/orders",
                customer,
                "{\"cartId\":\"" + cart + "\"}",
                Map.of(
                        "Idempotency-Key", "trace-" + traceId,
                        "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<SpanData> trace = spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getTraceId().equals(traceId))
                    .toList();
            List<String> names = trace.stream().map(SpanData::getName).toList();
            assertThat(names)
                    .as("spans of the trace")
                    .anyMatch(n -> n.contains("/api/v1/orders"))
                    .contains("publish orders", "publish inventory", "publish payments")
                    .contains("apply order_history", "apply accounting", "apply fulfillment_queue", "apply search");
        });
        List<SpanData> trace = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId))
                .toList();
        SpanData request = trace.stream()
                .filter(s -> s.getName().contains("/api/v1/orders"))
                .findFirst()
                .orElseThrow();
        // The relay's and the views' spans hang under the request's span: the context the outbox row kept.
        assertThat(trace.stream().filter(s -> s.getName().startsWith("apply order_history")))
                .allMatch(s -> s.getParentSpanId().equals(request.getSpanId()));
        assertThat(trace.stream().filter(s -> s.getName().equals("publish orders")))
                .allMatch(s -> s.getAttributes().asMap().toString().contains("orders.order-placed.v1")
                        || s.getParentSpanId().equals(request.getSpanId()));
    }
}
