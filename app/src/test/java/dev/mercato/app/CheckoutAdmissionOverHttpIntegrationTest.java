package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.orders.OrderId;
import dev.mercato.orders.domain.CheckoutFaults;
import dev.mercato.plane.postgres.PostgresStores;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * Admission control over HTTP with room for one checkout: while one is held inside, another is answered at
 * once 503 {@code checkout-overloaded} with Retry-After, having stored and held nothing, a key decided before
 * is still replayed, and the refused key, sent again once the first has finished, is placed like any other.
 * Its own platform (a limit of one would refuse the other suites' concurrent checkouts), closed afterwards.
 */
@TestPropertySource(
        properties = {
            "mercato.checkout.max-in-flight=1",
            "mercato.checkout.admission-wait=5ms",
            "mercato.sample-data=false"
        })
@Import(CheckoutAdmissionOverHttpIntegrationTest.Holding.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class CheckoutAdmissionOverHttpIntegrationTest extends PlatformIntegrationTest {

    static final Duration DEADLINE = Duration.ofSeconds(60);

    /** Holds the next checkout that gets recorded until released: a slow checkout, staying inside. */
    static final class Hold implements CheckoutFaults {
        private volatile boolean armed;
        private volatile CountDownLatch inside = new CountDownLatch(1);
        private volatile CountDownLatch release = new CountDownLatch(1);

        void arm() {
            inside = new CountDownLatch(1);
            release = new CountDownLatch(1);
            armed = true;
        }

        boolean awaitInside() throws InterruptedException {
            return inside.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }

        void release() {
            armed = false;
            release.countDown();
        }

        @Override
        public void at(Point point, OrderId checkout) {
            if (point == Point.RECORDED && armed) {
                armed = false;
                inside.countDown();
                try {
                    release.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Holding {
        @Bean
        Hold checkoutHold() {
            return new Hold();
        }
    }

    @Autowired
    Hold hold;

    @Autowired
    PostgresStores stores;

    @AfterEach
    void letGo() {
        hold.release();
    }

    String cart(String customer, String sku, int quantity) throws Exception {
        String id =
                json(send("POST", "/api/v1/carts", customer, "{}")).get("id").asString();
        var line = send("PUT", "/api/v1/carts/" + id + "/items/" + sku, customer, "{\"quantity\":" + quantity + "}");
        assertThat(line.statusCode()).as(line.body()).isEqualTo(200);
        return id;
    }

    HttpResponse<String> order(String customer, String cart, String key) throws Exception {
        return send(
                "POST", "/api/v1/orders", customer, "{\"cartId\":\"" + cart + "\"}", Map.of("Idempotency-Key", key));
    }

    @Test
    void beyond_capacity_checkout_is_refused_at_once_and_cleanly_and_the_same_key_is_placed_afterwards()
            throws Exception {
        String merchant = token("merchant", "mo", "casa-bella");
        String admin = token("admin", "ops", null);
        String ada = token("customer", "ada-admission", null);
        String bob = token("customer", "bob-admission", null);
        String sku = "ADMIT-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        stockedProduct(merchant, sku, "7.00", 10);

        String decidedCart = cart(ada, sku, 1);
        String decidedKey = UUID.randomUUID().toString();
        var decided = order(ada, decidedCart, decidedKey);
        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(201);

        hold.arm();
        String slowCart = cart(ada, sku, 1);
        CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return order(ada, slowCart, UUID.randomUUID().toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(hold.awaitInside()).as("the first checkout is inside").isTrue();
        assertThat(gauge(admin, "mercato.admission.in.flight")).isEqualTo(1.0);

        String bobsCart = cart(bob, sku, 2);
        String bobsKey = UUID.randomUUID().toString();
        Map<String, Long> before;
        try (Connection c = stores.adminConnection()) {
            before = outboxPositions(c);
        }
        var refused = order(bob, bobsCart, bobsKey);

        assertThat(slow)
                .as("answered while the first is still inside: it did not queue behind it")
                .isNotDone();
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        var problem = json(refused);
        assertThat(problem.get("type").asString()).isEqualTo("https://mercato.dev/problems/checkout-overloaded");
        assertThat(problem.get("title").asString()).isEqualTo("Checkout overloaded");
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("detail").asString()).contains("same Idempotency-Key");
        try (Connection c = stores.adminConnection()) {
            // The capabilities a checkout writes to; fulfillment's intake of the order placed above may
            // still be publishing, at its own pace, while checkout is busy.
            List<String> checkoutWrites = List.of("orders", "inventory", "payments");
            assertThat(outboxPositions(c))
                    .as("a refused checkout publishes nothing")
                    .containsAllEntriesOf(before.entrySet().stream()
                            .filter(e -> checkoutWrites.contains(e.getKey()))
                            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
            assertThat(checkoutsWithKey(c, bobsKey))
                    .as("a refused checkout records nothing")
                    .isZero();
        }
        var stock = json(send("GET", "/api/v1/inventory/" + sku, merchant, null));
        assertThat(stock.get("reserved").asInt())
                .as("only the placed order holds stock")
                .isEqualTo(1);

        // A key already decided is a cheap read, answered even while checkout is full.
        var replayed = order(ada, decidedCart, decidedKey);
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(201);
        assertThat(replayed.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(replayed.body()).isEqualTo(decided.body());
        assertThat(counter(admin, "mercato.admission.refused")).isGreaterThanOrEqualTo(2.0);

        hold.release();
        var first = slow.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);

        var retried = order(bob, bobsCart, bobsKey);
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
        assertThat(retried.headers().firstValue("Idempotent-Replayed"))
                .as("the refused key was never decided: the retry is a fresh checkout")
                .isEmpty();
        assertThat(json(retried).get("status").asString()).isEqualTo("placed");
        try (Connection c = stores.adminConnection()) {
            assertThat(checkoutsWithKey(c, bobsKey)).isEqualTo(1);
        }
        assertThat(gauge(admin, "mercato.admission.in.flight")).isZero();
    }

    private double gauge(String admin, String name) throws Exception {
        return measurement(admin, name, "VALUE");
    }

    private double counter(String admin, String name) throws Exception {
        return measurement(admin, name, "COUNT");
    }

    private double measurement(String admin, String name, String statistic) throws Exception {
        var response = send("GET", "/actuator/metrics/" + name + "?tag=limiter:checkout", admin, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (var m : json(response).get("measurements")) {
            if (m.get("statistic").asString().equals(statistic)) {
                return m.get("value").asDouble();
            }
        }
        throw new AssertionError("no " + statistic + " in " + response.body());
    }

    private static long checkoutsWithKey(Connection c, String key) throws Exception {
        try (PreparedStatement s =
                c.prepareStatement("SELECT count(*) FROM orders.checkouts WHERE idempotency_key = ?")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
