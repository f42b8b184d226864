package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.fulfillment.PickListStatus;
import dev.mercato.fulfillment.store.JdbcPickLists;
import dev.mercato.orders.FulfillmentStep;
import dev.mercato.orders.OrderId;
import dev.mercato.orders.Orders;
import dev.mercato.plane.postgres.PostgresStores;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Fulfillment over HTTP: a checkout gets its pick list, the merchant's reports move the order (a pick
 * lowers on-hand, a shipment captures the payment), steps only in order and only by the order's merchant or
 * an admin; and the merchant fulfillment queue follows, says how fresh it is, and catches up after a pause.
 */
class FulfillmentIntegrationTest extends PlatformIntegrationTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final AtomicInteger RUN = new AtomicInteger();

    @Autowired
    PostgresStores stores;

    @Autowired
    Orders orders;

    /** Fulfillment's store, to leave a report half done as a crash between its two writes would. */
    @Autowired
    JdbcPickLists pickLists;

    String merchant;
    String otherMerchant;
    String customer;
    String admin;
    String sku;

    @BeforeEach
    void callers() throws Exception {
        int run = RUN.incrementAndGet();
        merchant = token("merchant", "fi", "flow-shop");
        otherMerchant = token("merchant", "vi", "volt-labs");
        customer = token("customer", "flo-" + run, null);
        admin = token("admin", "ops", null);
        sku = "FLOW-" + run + "-" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        var created = send(
                "POST",
                "/api/v1/products",
                merchant,
                "{\"sku\":\"" + sku + "\",\"title\":\"Flow lamp\",\"category\":\"home/flow\","
                        + "\"price\":{\"amount\":\"12.00\",\"currency\":\"EUR\"}}");
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
        var stocked = send("PUT", "/api/v1/inventory/" + sku, merchant, "{\"onHand\":10}");
        assertThat(stocked.statusCode()).as(stocked.body()).isEqualTo(200);
    }

    HttpResponse<String> checkout(int quantity) throws Exception {
        String cart =
                json(send("POST", "/api/v1/carts", customer, "{}")).get("id").asString();
        var line = send("PUT", "/api/v1/carts/" + cart + "/items/" + sku, customer, "{\"quantity\":" + quantity + "}");
        assertThat(line.statusCode()).as(line.body()).isEqualTo(200);
        var placed = send(
                "POST",
                "/api/v1/orders",
                customer,
                "{\"cartId\":\"" + cart + "\"}",
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        return placed;
    }

    HttpResponse<String> report(String order, String token, String body) throws Exception {
        return send("POST", "/api/v1/orders/" + order + "/fulfillment", token, body);
    }

    JsonNode stock() throws Exception {
        return json(send("GET", "/api/v1/inventory/" + sku, merchant, null));
    }

    HttpResponse<String> queue(String query, String consistencyToken) throws Exception {
        return send(
                "GET",
                "/api/v1/merchants/me/fulfillment" + query,
                merchant,
                null,
                consistencyToken == null ? Map.of() : Map.of("Mercato-Consistency-Token", consistencyToken));
    }

    static String tokenOf(HttpResponse<String> response) {
        return response.headers().firstValue("Mercato-Consistency-Token").orElseThrow();
    }

    /** The queue entry of {@code order}, or null when the page does not hold it. */
    static JsonNode entry(HttpResponse<String> page, String order) {
        for (JsonNode item : json(page).get("items")) {
            if (item.get("orderId").asString().equals(order)) {
                return item;
            }
        }
        return null;
    }

    static int occurrences(HttpResponse<String> page, String order) {
        int n = 0;
        for (JsonNode item : json(page).get("items")) {
            if (item.get("orderId").asString().equals(order)) {
                n++;
            }
        }
        return n;
    }

    /** The active generation's lag in events, as operators see it. */
    long lagOf(String view) throws Exception {
        for (JsonNode v : json(send("GET", "/api/v1/plane/views", admin, null)).get("items")) {
            if (v.get("view").asString().equals(view) && v.get("active").asBoolean()) {
                return v.get("lagEvents").asLong();
            }
        }
        throw new AssertionError("no view " + view);
    }

    long outboxed(String schema, String order, String type) throws Exception {
        try (Connection c = stores.adminConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT count(*) FROM " + schema + ".outbox WHERE aggregate_id = ? AND type LIKE ?")) {
            s.setString(1, order);
            s.setString(2, "%" + type + "%");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void an_order_goes_from_pick_list_to_delivered_with_stock_and_payment_following_each_step() throws Exception {
        var placed = checkout(2);
        String order = json(placed).get("id").asString();
        assertThat(stock().get("onHand").asInt()).isEqualTo(10);
        assertThat(stock().get("available").asInt()).isEqualTo(8);

        await().atMost(WAIT)
                .until(() -> send("GET", "/api/v1/orders/" + order + "/fulfillment", merchant, null)
                                .statusCode()
                        == 200);
        JsonNode pickList = json(send("GET", "/api/v1/orders/" + order + "/fulfillment", merchant, null));
        assertThat(pickList.get("status").asString()).isEqualTo("open");
        assertThat(pickList.get("lines").get(0).get("sku").asString()).isEqualTo(sku);
        assertThat(pickList.get("lines").get(0).get("quantity").asInt()).isEqualTo(2);
        var toPick = queue("?stage=to-pick&limit=100", tokenOf(placed));
        assertThat(toPick.headers().firstValue("Mercato-Freshness"))
                .hasValueSatisfying(f -> assertThat(f).startsWith("lag-ms=").doesNotContain("stale"));
        assertThat(entry(toPick, order)).isNotNull();
        assertThat(entry(toPick, order).get("lines").get(0).get("quantity").asInt())
                .isEqualTo(2);

        var skipped = report(order, merchant, "{\"status\":\"packed\"}");
        assertThat(skipped.statusCode()).as(skipped.body()).isEqualTo(409);
        assertThat(skipped.body()).contains("illegal-transition");

        var picked = report(order, merchant, "{\"status\":\"picked\"}");
        assertThat(picked.statusCode()).as(picked.body()).isEqualTo(200);
        assertThat(json(picked).get("status").asString()).isEqualTo("picking");
        // The reservation is committed: the units left the shelf.
        assertThat(stock().get("onHand").asInt()).isEqualTo(8);
        assertThat(stock().get("available").asInt()).isEqualTo(8);
        var again = report(order, merchant, "{\"status\":\"picked\"}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(stock().get("onHand").asInt()).isEqualTo(8);
        assertThat(outboxed("fulfillment", order, "order-picked")).isEqualTo(1);

        var carrierTooEarly = report(order, merchant, "{\"status\":\"packed\",\"carrier\":\"DHL\"}");
        assertThat(carrierTooEarly.statusCode()).as(carrierTooEarly.body()).isEqualTo(400);
        assertThat(carrierTooEarly.body()).contains("carrier");
        assertThat(report(order, merchant, "{\"status\":\"packed\"}").statusCode())
                .isEqualTo(200);
        assertThat(json(send("GET", "/api/v1/payments/" + order, merchant, null))
                        .get("status")
                        .asString())
                .isEqualTo("authorized");

        var shipped =
                report(order, merchant, "{\"status\":\"shipped\",\"carrier\":\"DHL\",\"trackingNumber\":\"TRK-42\"}");
        assertThat(shipped.statusCode()).as(shipped.body()).isEqualTo(200);
        assertThat(json(shipped).get("status").asString()).isEqualTo("shipped");
        assertThat(json(send("GET", "/api/v1/payments/" + order, merchant, null))
                        .get("status")
                        .asString())
                .isEqualTo("captured");
        await().atMost(WAIT).until(() -> {
            JsonNode e = entry(queue("?stage=shipped&limit=100", null), order);
            return e != null && e.get("trackingNumber").asString().equals("TRK-42");
        });

        var back = report(order, merchant, "{\"status\":\"picked\"}");
        assertThat(back.statusCode()).as(back.body()).isEqualTo(409);
        var delivered = report(order, merchant, "{\"status\":\"delivered\"}");
        assertThat(delivered.statusCode()).as(delivered.body()).isEqualTo(200);
        assertThat(json(delivered).get("status").asString()).isEqualTo("delivered");
        String token = tokenOf(delivered);
        assertThat(entry(queue("?limit=100", token), order)).isNull();
        assertThat(entry(queue("?stage=delivered&limit=100", token), order)).isNotNull();
        assertThat(json(send("GET", "/api/v1/orders/" + order + "/fulfillment", merchant, null))
                        .get("status")
                        .asString())
                .isEqualTo("delivered");
    }

    @Test
    void only_the_orders_merchant_or_an_admin_reports_and_reads_its_fulfillment() throws Exception {
        String order = json(checkout(1)).get("id").asString();

        var other = report(order, otherMerchant, "{\"status\":\"picked\"}");
        assertThat(other.statusCode()).as(other.body()).isEqualTo(404);
        var byCustomer = report(order, customer, "{\"status\":\"picked\"}");
        assertThat(byCustomer.statusCode()).as(byCustomer.body()).isEqualTo(403);
        assertThat(send("GET", "/api/v1/orders/" + order + "/fulfillment", otherMerchant, null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(send("GET", "/api/v1/merchants/me/fulfillment", customer, null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(send("GET", "/api/v1/merchants/me/fulfillment?merchant=flow-shop", otherMerchant, null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(stock().get("onHand").asInt()).isEqualTo(10);

        var byAdmin = report(order, admin, "{\"status\":\"picked\"}");
        assertThat(byAdmin.statusCode()).as(byAdmin.body()).isEqualTo(200);
        assertThat(stock().get("onHand").asInt()).isEqualTo(9);
        var adminQueue = send(
                "GET",
                "/api/v1/merchants/me/fulfillment?merchant=flow-shop&stage=to-pack&limit=100",
                admin,
                null,
                Map.of("Mercato-Consistency-Token", tokenOf(byAdmin)));
        assertThat(entry(adminQueue, order)).isNotNull();
        var voltQueue = send("GET", "/api/v1/merchants/me/fulfillment?stage=to-pack&limit=100", otherMerchant, null);
        assertThat(entry(voltQueue, order)).isNull();
        var badStage = send("GET", "/api/v1/merchants/me/fulfillment?stage=lost", merchant, null);
        assertThat(badStage.statusCode()).isEqualTo(400);
        assertThat(badStage.body()).contains("stage");
    }

    @Test
    void a_report_before_intake_makes_the_pick_list_from_the_order_and_intake_does_not_make_a_second()
            throws Exception {
        assertThat(send("POST", "/api/v1/plane/views/fulfillment/pause", admin, null)
                        .statusCode())
                .isEqualTo(200);
        String order;
        try {
            order = json(checkout(1)).get("id").asString();
            var picked = report(order, merchant, "{\"status\":\"picked\"}");
            assertThat(picked.statusCode()).as(picked.body()).isEqualTo(200);
            JsonNode pickList = json(send("GET", "/api/v1/orders/" + order + "/fulfillment", merchant, null));
            assertThat(pickList.get("createdFrom").asString()).isEqualTo("order-read");
            assertThat(pickList.get("status").asString()).isEqualTo("picked");
        } finally {
            send("POST", "/api/v1/plane/views/fulfillment/resume", admin, null);
        }
        await().atMost(WAIT).until(() -> lagOf("fulfillment") == 0);
        assertThat(outboxed("fulfillment", order, "pick-list-created")).isEqualTo(1);
        assertThat(json(send("GET", "/api/v1/orders/" + order + "/fulfillment", merchant, null))
                        .get("status")
                        .asString())
                .isEqualTo("picked");
        var rebuild = send("POST", "/api/v1/plane/views/fulfillment/rebuild", admin, null);
        assertThat(rebuild.statusCode()).as(rebuild.body()).isEqualTo(409);
    }

    @Test
    void with_the_queue_paused_checkout_and_fulfillment_keep_working_and_the_queue_catches_up_once() throws Exception {
        assertThat(send("POST", "/api/v1/plane/views/fulfillment_queue/pause", admin, null)
                        .statusCode())
                .isEqualTo(200);
        String order;
        String token;
        try {
            var placed = checkout(1);
            order = json(placed).get("id").asString();
            var picked = report(order, merchant, "{\"status\":\"picked\"}");
            assertThat(picked.statusCode()).as(picked.body()).isEqualTo(200);
            token = tokenOf(picked);
            await().atMost(WAIT).until(() -> lagOf("fulfillment_queue") > 0);
            var stale = queue("?stage=to-pack&limit=100", token);
            assertThat(stale.statusCode()).isEqualTo(200);
            assertThat(entry(stale, order)).isNull();
            assertThat(stale.headers().firstValue("Mercato-Freshness"))
                    .hasValueSatisfying(f -> assertThat(f).endsWith("; stale"));
            // The sources of truth have it all along.
            assertThat(json(send("GET", "/api/v1/orders/" + order, merchant, null))
                            .get("status")
                            .asString())
                    .isEqualTo("picking");
        } finally {
            send("POST", "/api/v1/plane/views/fulfillment_queue/resume", admin, null);
        }
        var caughtUp = queue("?stage=to-pack&limit=100", token);
        assertThat(caughtUp.headers().firstValue("Mercato-Freshness"))
                .hasValueSatisfying(f -> assertThat(f).doesNotContain("stale"));
        assertThat(occurrences(caughtUp, order)).isEqualTo(1);
        assertThat(entry(queue("?stage=to-pick&limit=100", null), order)).isNull();
    }

    /**
     * A placed order whose "picked" report died after orders moved it and before fulfillment recorded it:
     * the report's intent is kept, orders has the move (and committed the stock), fulfillment has no step.
     */
    String cutShortAfterOrdersMovedIt() throws Exception {
        String order = json(checkout(1)).get("id").asString();
        await().atMost(WAIT).until(() -> pickLists.find(order).isPresent());
        pickLists.intend(order, FulfillmentStep.PICKED, "merchant:fi", Optional.empty(), Optional.empty());
        orders.advance(OrderId.of(order), FulfillmentStep.PICKED, "merchant:fi");
        assertThat(stock().get("onHand").asInt()).isEqualTo(9);
        assertThat(outboxed("fulfillment", order, "order-picked")).isZero();
        return order;
    }

    boolean waitingReports(String order) {
        return pickLists.intentsBefore(java.time.Instant.now().plusSeconds(60), 1000).stream()
                .anyMatch(i -> i.orderId().equals(order));
    }

    @Test
    void a_report_cut_short_after_orders_moved_is_recorded_by_the_retried_request_once() throws Exception {
        String order = cutShortAfterOrdersMovedIt();

        var retried = report(order, merchant, "{\"status\":\"picked\"}");

        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        assertThat(json(retried).get("status").asString()).isEqualTo("picking");
        assertThat(stock().get("onHand").asInt()).isEqualTo(9);
        assertThat(outboxed("fulfillment", order, "order-picked")).isEqualTo(1);
        assertThat(waitingReports(order)).isFalse();
    }

    @Test
    void a_report_cut_short_is_recorded_before_the_next_step_is_reported() throws Exception {
        String order = cutShortAfterOrdersMovedIt();

        var packed = report(order, merchant, "{\"status\":\"packed\"}");

        assertThat(packed.statusCode()).as(packed.body()).isEqualTo(200);
        assertThat(json(packed).get("status").asString()).isEqualTo("packed");
        assertThat(stock().get("onHand").asInt()).isEqualTo(9);
        assertThat(outboxed("fulfillment", order, "order-picked")).isEqualTo(1);
        assertThat(outboxed("fulfillment", order, "order-packed")).isEqualTo(1);
        assertThat(waitingReports(order)).isFalse();
    }

    @Test
    void a_report_cut_short_that_nobody_retries_is_recorded_by_the_periodic_drive() throws Exception {
        String order = cutShortAfterOrdersMovedIt();

        await().atMost(WAIT).until(() -> outboxed("fulfillment", order, "order-picked") == 1);
        assertThat(waitingReports(order)).isFalse();
        assertThat(pickLists.find(order).orElseThrow().status()).isEqualTo(PickListStatus.PICKED);
    }

    @Test
    void a_report_whose_request_died_before_orders_decided_is_dropped_and_changes_nothing() throws Exception {
        String order = json(checkout(1)).get("id").asString();
        await().atMost(WAIT).until(() -> pickLists.find(order).isPresent());
        pickLists.intend(order, FulfillmentStep.PICKED, "merchant:fi", Optional.empty(), Optional.empty());

        await().atMost(WAIT).until(() -> !waitingReports(order));

        assertThat(json(send("GET", "/api/v1/orders/" + order, merchant, null))
                        .get("status")
                        .asString())
                .isEqualTo("placed");
        assertThat(stock().get("onHand").asInt()).isEqualTo(10);
        assertThat(outboxed("fulfillment", order, "order-picked")).isZero();
        assertThat(pickLists.find(order).orElseThrow().status()).isEqualTo(PickListStatus.OPEN);
    }

    @Test
    void a_report_that_loses_to_a_cancel_records_nothing_anywhere() throws Exception {
        String order = json(checkout(1)).get("id").asString();
        var cancelled = send("POST", "/api/v1/orders/" + order + "/cancel", customer, null);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);

        var picked = report(order, merchant, "{\"status\":\"picked\"}");

        assertThat(picked.statusCode()).as(picked.body()).isEqualTo(409);
        assertThat(stock().get("onHand").asInt()).isEqualTo(10);
        assertThat(stock().get("reserved").asInt()).isZero();
        assertThat(outboxed("fulfillment", order, "order-picked")).isZero();
        assertThat(waitingReports(order)).isFalse();
    }

    /** A step the earlier protocol recorded (step first), then a crash kept from orders. */
    @Test
    void a_step_left_unadvanced_by_the_earlier_protocol_is_still_driven_into_orders() throws Exception {
        String order = json(checkout(1)).get("id").asString();
        await().atMost(WAIT).until(() -> pickLists.find(order).isPresent());
        try (Connection c = stores.adminConnection();
                PreparedStatement s = c.prepareStatement("INSERT INTO fulfillment.fulfillment_step (order_id, step,"
                        + " rank, actor, reported_at, order_advanced) VALUES (?, 'picked', 1, 'merchant:fi',"
                        + " now() - interval '1 minute', false)")) {
            s.setString(1, order);
            s.executeUpdate();
        }

        await().atMost(WAIT)
                .until(() -> json(send("GET", "/api/v1/orders/" + order, merchant, null))
                        .get("status")
                        .asString()
                        .equals("picking"));
        assertThat(stock().get("onHand").asInt()).isEqualTo(9);
        await().atMost(WAIT).until(() -> pickLists.unadvanced(order).isEmpty());
    }

    @Test
    void an_order_orders_moved_without_a_report_here_is_reported_on_from_where_it_is() throws Exception {
        String order = json(checkout(1)).get("id").asString();
        // History from before fulfillment recorded steps: orders moved the order on its own.
        orders.advance(OrderId.of(order), FulfillmentStep.PICKED, "admin:legacy");

        var packed = report(order, merchant, "{\"status\":\"packed\"}");

        assertThat(packed.statusCode()).as(packed.body()).isEqualTo(200);
        assertThat(json(packed).get("status").asString()).isEqualTo("packed");
        await().atMost(WAIT)
                .until(() -> pickLists
                        .find(order)
                        .map(p -> p.status() == PickListStatus.PACKED)
                        .orElse(false));
    }

    /** The queue's answer for this merchant without the read-time age: what a replay must reproduce. */
    List<String> queueContents() throws Exception {
        List<String> items = new ArrayList<>();
        for (JsonNode item : json(queue("?stage=open&limit=100", null)).get("items")) {
            items.add(item.get("orderId").asString() + "|" + item.get("stage").asString() + "|" + item.get("lines")
                    + "|" + item.get("updatedAt").asString());
        }
        return items;
    }

    @Test
    void the_queue_rebuilt_from_the_log_while_serving_answers_as_before() throws Exception {
        String order = json(checkout(1)).get("id").asString();
        var picked = report(order, merchant, "{\"status\":\"picked\"}");
        assertThat(entry(queue("?stage=to-pack&limit=100", tokenOf(picked)), order))
                .isNotNull();
        await().atMost(WAIT).until(() -> lagOf("fulfillment_queue") == 0);
        List<String> before = queueContents();

        var rebuild = send("POST", "/api/v1/plane/views/fulfillment_queue/rebuild", admin, null);

        assertThat(rebuild.statusCode()).as(rebuild.body()).isEqualTo(202);
        int next = json(rebuild).get("generation").asInt();
        await().atMost(WAIT).until(() -> {
            for (JsonNode v :
                    json(send("GET", "/api/v1/plane/views", admin, null)).get("items")) {
                if (v.get("view").asString().equals("fulfillment_queue")
                        && v.get("active").asBoolean()
                        && v.get("generation").asInt() == next) {
                    return true;
                }
            }
            return false;
        });
        assertThat(queueContents()).isEqualTo(before);
    }
}
