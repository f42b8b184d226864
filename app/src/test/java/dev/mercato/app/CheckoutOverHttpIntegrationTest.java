package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.app.stores.KafkaAddress;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.Topics;
import dev.mercato.plane.testing.LogReader;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Checkout as a storefront sees it: HTTP, tokens, the real platform, the order events in the log. */
class CheckoutOverHttpIntegrationTest extends PlatformIntegrationTest {

    @Autowired
    KafkaAddress kafka;

    String product(String merchantToken, String sku, int onHand) throws Exception {
        var created = send(
                "POST",
                "/api/v1/products",
                merchantToken,
                "{\"sku\":\"" + sku + "\",\"title\":\"Checkout " + sku + "\",\"category\":\"home/checkout\","
                        + "\"price\":{\"amount\":\"12.50\",\"currency\":\"EUR\"}}");
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
        var stocked = send("PUT", "/api/v1/inventory/" + sku, merchantToken, "{\"onHand\":" + onHand + "}");
        assertThat(stocked.statusCode()).as(stocked.body()).isEqualTo(200);
        return sku;
    }

    String cart(String customerToken, String sku, int quantity) throws Exception {
        String id = json(send("POST", "/api/v1/carts", customerToken, "{}"))
                .get("id")
                .asString();
        var line =
                send("PUT", "/api/v1/carts/" + id + "/items/" + sku, customerToken, "{\"quantity\":" + quantity + "}");
        assertThat(line.statusCode()).as(line.body()).isEqualTo(200);
        return id;
    }

    HttpResponse<String> checkout(String customerToken, String cart, String key) throws Exception {
        return send(
                "POST",
                "/api/v1/orders",
                customerToken,
                "{\"cartId\":\"" + cart + "\"}",
                Map.of("Idempotency-Key", key));
    }

    /**
     * A storefront's checkout: a 503 {@code checkout-overloaded} is asked again with the same key after a
     * short, jittered pause (sooner than its Retry-After, to keep the test short), until admitted.
     */
    HttpResponse<String> checkoutUntilAdmitted(
            String customerToken, String cart, String key, Collection<HttpResponse<String>> shed) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            var answer = checkout(customerToken, cart, key);
            if (answer.statusCode() != 503 || System.nanoTime() > deadline) {
                return answer;
            }
            shed.add(answer);
            LockSupport.parkNanos(Duration.ofMillis(ThreadLocalRandom.current().nextInt(20, 100))
                    .toNanos());
        }
    }

    @Test
    void two_hundred_shoppers_for_the_last_fifty_units_get_fifty_orders_each_charged_once_and_in_the_log()
            throws Exception {
        String merchant = token("merchant", "mo", "casa-bella");
        String admin = token("admin", "ops", null);
        String sku = product(merchant, "LAST-FIFTY-1", 50);
        List<String> tokens = new ArrayList<>();
        List<String> carts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String customer = token("customer", "last-" + i, null);
            tokens.add(customer);
            carts.add(cart(customer, sku, 1));
        }
        ConcurrentLinkedQueue<HttpResponse<String>> answers = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<HttpResponse<String>> shed = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                int n = i;
                pool.submit(() -> {
                    start.await();
                    answers.add(checkoutUntilAdmitted(
                            tokens.get(n), carts.get(n), UUID.randomUUID().toString(), shed));
                    return null;
                });
            }
            start.countDown();
        }
        Map<Integer, Long> byStatus =
                answers.stream().collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
        assertThat(byStatus).isEqualTo(Map.of(201, 50L, 409, 150L));
        // 200 at once is beyond what checkout admits (mercato.checkout.max-in-flight): the rest were turned
        // away at the door, quickly and cleanly, and their retries with the same key decided them.
        assertThat(shed).allSatisfy(r -> {
            assertThat(json(r).get("type").asString()).as(r.body()).endsWith("/checkout-overloaded");
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
        });
        Set<String> orders = answers.stream()
                .filter(a -> a.statusCode() == 201)
                .map(a -> json(a).get("id").asString())
                .collect(Collectors.toSet());

        JsonNode stock = json(send("GET", "/api/v1/inventory/" + sku, merchant, null));
        assertThat(stock.get("available").asInt()).isZero();
        assertThat(stock.get("reserved").asInt()).isEqualTo(50);
        assertThat(json(send("GET", "/api/v1/inventory/reconciliation", admin, null))
                        .get("consistent")
                        .asBoolean())
                .isTrue();

        // The provider's own ledger: exactly one authorization for each order, none for anyone else.
        List<String> authorized = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = json(send(
                    "GET",
                    "/api/v1/payments/ledger?limit=500" + (cursor == null ? "" : "&cursor=" + cursor),
                    admin,
                    null));
            page.get("items").forEach(e -> {
                if (e.get("kind").asString().equalsIgnoreCase("authorization")) {
                    authorized.add(e.get("payment").asString());
                }
            });
            cursor = page.hasNonNull("next") ? page.get("next").asString() : null;
        } while (cursor != null);
        assertThat(authorized.stream().filter(orders::contains)).hasSize(50).doesNotHaveDuplicates();

        // Every order placed has its event in the log (which other tests write to as well: read all of it).
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Event> events =
                    LogReader.readToEnd(kafka.bootstrapServers(), Topics.of("orders"), Duration.ofSeconds(30));
            Set<String> placedInLog = events.stream()
                    .filter(e -> e.type().name().equals("order-placed"))
                    .map(e -> EventJson.tree(e.data()).get("orderId").asString())
                    .filter(orders::contains)
                    .collect(Collectors.toSet());
            assertThat(placedInLog).isEqualTo(orders);
        });
    }

    @Test
    void a_retried_checkout_gets_the_first_answer_marked_as_a_replay() throws Exception {
        String merchant = token("merchant", "mo", "casa-bella");
        String ada = token("customer", "ada-retry", null);
        String cart = cart(ada, product(merchant, "RETRY-1", 5), 2);
        String key = UUID.randomUUID().toString();
        var first = checkout(ada, cart, key);
        var again = checkout(ada, cart, key);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(first.headers().firstValue("Location"))
                .hasValue("/api/v1/orders/" + json(first).get("id").asString());
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(first.headers().firstValue("Mercato-Consistency-Token")).isPresent();
        assertThat(again.headers().firstValue("Mercato-Consistency-Token"))
                .isEqualTo(first.headers().firstValue("Mercato-Consistency-Token"));
        var order = send("GET", "/api/v1/orders/" + json(first).get("id").asString(), ada, null);
        assertThat(json(order).get("status").asString()).isEqualTo("placed");
    }

    @Test
    void the_account_view_shows_a_customers_own_order_and_its_timeline_reading_its_own_writes() throws Exception {
        String merchant = token("merchant", "mo", "casa-bella");
        String ada = token("customer", "ada-account", null);
        String bob = token("customer", "bob-account", null);
        var placed = checkout(
                ada,
                cart(ada, product(merchant, "ACCOUNT-1", 5), 1),
                UUID.randomUUID().toString());
        String order = json(placed).get("id").asString();
        String written =
                placed.headers().firstValue("Mercato-Consistency-Token").orElseThrow();

        var mine = send("GET", "/api/v1/customers/me/orders", ada, null, Map.of("Mercato-Consistency-Token", written));
        assertThat(mine.statusCode()).as(mine.body()).isEqualTo(200);
        assertThat(mine.headers().firstValue("Mercato-Freshness"))
                .hasValueSatisfying(f -> assertThat(f).matches("lag-ms=\\d+; as-of=\\S+"));
        JsonNode first = json(mine).get("items").get(0);
        assertThat(first.get("id").asString()).isEqualTo(order);
        assertThat(first.get("status").asString()).isEqualTo("placed");

        var picked = send("POST", "/api/v1/orders/" + order + "/fulfillment", merchant, "{\"status\":\"picked\"}");
        assertThat(picked.statusCode()).as(picked.body()).isEqualTo(200);
        String moved = picked.headers().firstValue("Mercato-Consistency-Token").orElseThrow();
        JsonNode after = json(send(
                        "GET", "/api/v1/customers/me/orders", ada, null, Map.of("Mercato-Consistency-Token", moved)))
                .get("items")
                .get(0);
        assertThat(after.get("status").asString()).isEqualTo("picking");
        assertThat(after.get("timeline").findValuesAsString("status")).containsExactly("placed", "picking");

        assertThat(send("GET", "/api/v1/customers/me/orders", bob, null).body()).doesNotContain(order);
        assertThat(send("GET", "/api/v1/customers/me/orders", merchant, null).statusCode())
                .isEqualTo(403);
    }

    @Test
    void a_checkout_without_an_idempotency_key_is_refused_naming_the_header() throws Exception {
        String ada = token("customer", "ada-nokey", null);
        var refused = send("POST", "/api/v1/orders", ada, "{\"cartId\":\"c_AAAAAAAAAAAAAAAAAAAAAA\"}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("Idempotency-Key");
    }

    @Test
    void a_declined_card_is_a_409_naming_the_reason() throws Exception {
        String merchant = token("merchant", "mo", "casa-bella");
        String ada = token("customer", "ada-declined", null);
        String cart = cart(ada, product(merchant, "DECLINE-1", 5), 1);
        var refused = send(
                "POST",
                "/api/v1/orders",
                ada,
                "{\"cartId\":\"" + cart + "\",\"payment\":{\"token\":\"tok_declined\"}}",
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(json(refused).get("type").asString()).isEqualTo("https://mercato.dev/problems/payment-declined");
        assertThat(json(refused).get("reason").asString()).isEqualTo("card-declined");
    }
}
