package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Accounting and reorder over HTTP, fed by the log from real checkouts: shipping books cash against
 * revenue, a refund after shipment reverses it, a count under the threshold becomes a reorder suggestion
 * for that merchant only; and each view's proofs: a rebuild ends with the same answers, and paused, the
 * view lags and says so while checkout keeps working, then catches up with nothing missing or doubled.
 */
class BooksIntegrationTest extends PlatformIntegrationTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    record Shop(String merchant, String token) {}

    Shop shop() throws Exception {
        String merchant = "books-" + UUID.randomUUID().toString().substring(0, 8);
        return new Shop(merchant, token("merchant", "mo-" + merchant, merchant));
    }

    String product(Shop shop, String price, int onHand) throws Exception {
        String sku = "BK-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        var created = send(
                "POST",
                "/api/v1/products",
                shop.token(),
                "{\"sku\":\"" + sku + "\",\"title\":\"Book " + sku + "\",\"category\":\"home/books\","
                        + "\"price\":{\"amount\":\"" + price + "\",\"currency\":\"EUR\"}}");
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
        var stocked = send("PUT", "/api/v1/inventory/" + sku, shop.token(), "{\"onHand\":" + onHand + "}");
        assertThat(stocked.statusCode()).as(stocked.body()).isEqualTo(200);
        return sku;
    }

    /** A customer checks out {@code quantity} of the SKU; answers the order's id. */
    String checkout(String sku, int quantity) throws Exception {
        String customer =
                token("customer", "reader-" + UUID.randomUUID().toString().substring(0, 6), null);
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
        return json(placed).get("id").asString();
    }

    /** Picks, packs and ships the order through the fulfillment route; answers the last consistency token. */
    String ship(Shop shop, String order) throws Exception {
        String token = null;
        for (String step : List.of("picked", "packed", "shipped")) {
            var moved = send(
                    "POST", "/api/v1/orders/" + order + "/fulfillment", shop.token(), "{\"status\":\"" + step + "\"}");
            assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
            token = moved.headers().firstValue("Mercato-Consistency-Token").orElseThrow();
        }
        return token;
    }

    JsonNode trialBalance(Shop shop) throws Exception {
        var response = send("GET", "/api/v1/merchants/me/trial-balance", shop.token(), null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Mercato-Freshness"))
                .hasValueSatisfying(f -> assertThat(f).startsWith("lag-ms="));
        return json(response);
    }

    /** The balance of one account in EUR, "0.00" when nothing booked it. */
    static String balance(JsonNode trialBalance, String account) {
        for (JsonNode a : trialBalance.get("accounts")) {
            if (a.get("account").asString().equals(account)
                    && a.get("currency").asString().equals("EUR")) {
                return a.get("balance").asString();
            }
        }
        return "0.00";
    }

    List<String> journalKinds(Shop shop, String order) throws Exception {
        var response = send("GET", "/api/v1/merchants/me/journal", shop.token(), null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> kinds = new java.util.ArrayList<>();
        for (JsonNode e : json(response).get("items")) {
            if (e.get("orderId").asString().equals(order)) {
                kinds.add(e.get("kind").asString());
            }
        }
        return kinds;
    }

    @Test
    void shipping_books_cash_against_revenue_and_a_refund_after_shipment_reverses_it() throws Exception {
        Shop shop = shop();
        String admin = token("admin", "ops", null);
        String order = checkout(product(shop, "24.50", 10), 2);
        String token = ship(shop, order);

        var read = send(
                "GET",
                "/api/v1/merchants/me/trial-balance",
                shop.token(),
                null,
                Map.of("Mercato-Consistency-Token", token));
        // The shipment's tokens name the payment's capture too, so this one read already shows it booked.
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(read.headers().firstValue("Mercato-Freshness"))
                .hasValueSatisfying(f -> assertThat(f).doesNotContain("stale"));
        JsonNode booked = json(read);
        assertThat(balance(booked, "cash")).isEqualTo("49.00");
        assertThat(balance(booked, "revenue")).isEqualTo("-49.00");
        assertThat(booked.get("balanced").asBoolean()).isTrue();
        assertThat(booked.get("totals").get(0).get("debit").asString()).isEqualTo("49.00");
        assertThat(booked.get("totals").get(0).get("credit").asString()).isEqualTo("49.00");
        assertThat(journalKinds(shop, order)).containsExactly("capture");

        var refunded = send("POST", "/api/v1/orders/" + order + "/cancel", admin, "{}");
        assertThat(refunded.statusCode()).as(refunded.body()).isEqualTo(200);
        var afterRefund = send(
                "GET",
                "/api/v1/merchants/me/trial-balance",
                shop.token(),
                null,
                Map.of(
                        "Mercato-Consistency-Token",
                        refunded.headers()
                                .firstValue("Mercato-Consistency-Token")
                                .orElseThrow()));
        assertThat(afterRefund.headers().firstValue("Mercato-Freshness"))
                .hasValueSatisfying(f -> assertThat(f).doesNotContain("stale"));
        JsonNode reversed = json(afterRefund);
        assertThat(balance(reversed, "cash")).isEqualTo("0.00");
        assertThat(balance(reversed, "revenue")).isEqualTo("0.00");
        assertThat(reversed.get("balanced").asBoolean()).isTrue();
        assertThat(reversed.get("totals").get(0).get("debit").asString()).isEqualTo("98.00");
        assertThat(journalKinds(shop, order)).containsExactly("capture", "refund");

        // Another merchant's books show none of it; an admin reads this merchant's by name.
        Shop other = shop();
        assertThat(trialBalance(other).get("accounts")).isEmpty();
        assertThat(send("GET", "/api/v1/merchants/me/journal", other.token(), null)
                        .body())
                .doesNotContain(order);
        assertThat(send("GET", "/api/v1/merchants/me/journal?merchant=" + shop.merchant(), admin, null)
                        .body())
                .contains(order);
    }

    @Test
    void a_count_under_the_threshold_becomes_a_reorder_suggestion_for_that_merchant_only() throws Exception {
        Shop shop = shop();
        Shop other = shop();
        String admin = token("admin", "ops", null);
        String sku = product(shop, "9.00", 40);
        var low = send("PUT", "/api/v1/inventory/" + sku, shop.token(), "{\"onHand\":2,\"lowThreshold\":6}");
        assertThat(low.statusCode()).as(low.body()).isEqualTo(200);
        String token = low.headers().firstValue("Mercato-Consistency-Token").orElseThrow();

        var listed = send(
                "GET",
                "/api/v1/merchants/me/reorder-suggestions",
                shop.token(),
                null,
                Map.of("Mercato-Consistency-Token", token));
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        assertThat(listed.headers().firstValue("Mercato-Freshness"))
                .hasValueSatisfying(f -> assertThat(f).doesNotContain("stale"));
        JsonNode items = json(listed).get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("sku").asString()).isEqualTo(sku);
        assertThat(items.get(0).get("available").asInt()).isEqualTo(2);
        assertThat(items.get(0).get("threshold").asInt()).isEqualTo(6);
        assertThat(items.get(0).get("suggestedQuantity").asInt()).isEqualTo(10);

        assertThat(send("GET", "/api/v1/merchants/me/reorder-suggestions?status=all", other.token(), null)
                        .body())
                .doesNotContain(sku);
        assertThat(send("GET", "/api/v1/merchants/me/reorder-suggestions?merchant=" + shop.merchant(), admin, null)
                        .body())
                .contains(sku);

        // Restocked: the suggestion closes.
        var restocked = send("PUT", "/api/v1/inventory/" + sku, shop.token(), "{\"onHand\":30}");
        String after =
                restocked.headers().firstValue("Mercato-Consistency-Token").orElseThrow();
        assertThat(send(
                                "GET",
                                "/api/v1/merchants/me/reorder-suggestions",
                                shop.token(),
                                null,
                                Map.of("Mercato-Consistency-Token", after))
                        .body())
                .doesNotContain(sku);
        assertThat(send("GET", "/api/v1/merchants/me/reorder-suggestions?status=closed", shop.token(), null)
                        .body())
                .contains(sku);
    }

    @Test
    void a_rebuild_of_the_books_while_they_serve_ends_with_the_same_answers() throws Exception {
        Shop shop = shop();
        String admin = token("admin", "ops", null);
        String sku = product(shop, "13.10", 20);
        String first = checkout(sku, 1);
        ship(shop, first);
        ship(shop, checkout(sku, 3));
        send("POST", "/api/v1/orders/" + first + "/cancel", admin, "{}");
        await().atMost(WAIT).until(() -> balance(trialBalance(shop), "cash").equals("39.30"));
        String journal =
                send("GET", "/api/v1/merchants/me/journal", shop.token(), null).body();
        String balance = trialBalance(shop).toString();

        for (String view : List.of("accounting", "reorder")) {
            var rebuild = send("POST", "/api/v1/plane/views/" + view + "/rebuild", admin, null);
            assertThat(rebuild.statusCode()).as(rebuild.body()).isEqualTo(202);
            int next = json(rebuild).get("generation").asInt();
            await().atMost(WAIT)
                    .until(() -> send("GET", "/api/v1/plane/views", admin, null)
                            .body()
                            .matches("(?s).*\"view\":\"" + view + "\",\"generation\":" + next + ",\"active\":true.*"));
        }
        assertThat(send("GET", "/api/v1/merchants/me/journal", shop.token(), null)
                        .body())
                .isEqualTo(journal);
        assertThat(trialBalance(shop).toString()).isEqualTo(balance);
    }

    @Test
    void paused_books_and_reorder_views_lag_and_say_so_while_checkout_keeps_working_then_catch_up_exactly_once()
            throws Exception {
        Shop shop = shop();
        String admin = token("admin", "ops", null);
        String sku = product(shop, "7.25", 8);
        for (String view : List.of("accounting", "reorder")) {
            assertThat(send("POST", "/api/v1/plane/views/" + view + "/pause", admin, null)
                            .statusCode())
                    .isEqualTo(200);
        }
        String order;
        String shipped;
        String lowered;
        try {
            // Checkout, shipment and the count all work with both views stalled.
            order = checkout(sku, 4);
            shipped = ship(shop, order);
            var low = send("PUT", "/api/v1/inventory/" + sku, shop.token(), "{\"onHand\":1}");
            assertThat(low.statusCode()).as(low.body()).isEqualTo(200);
            lowered = low.headers().firstValue("Mercato-Consistency-Token").orElseThrow();
            assertThat(send("GET", "/api/v1/orders/" + order, admin, null).body())
                    .contains("\"status\":\"shipped\"");
            for (String view : List.of("accounting", "reorder")) {
                await().atMost(WAIT)
                        .until(() -> send("GET", "/api/v1/plane/views", admin, null)
                                .body()
                                .matches("(?s).*\"view\":\"" + view + "\"[^\\]]*\"lagEvents\":[1-9].*"));
            }
            var books = send(
                    "GET",
                    "/api/v1/merchants/me/trial-balance",
                    shop.token(),
                    null,
                    Map.of("Mercato-Consistency-Token", shipped));
            assertThat(books.headers().firstValue("Mercato-Freshness"))
                    .hasValueSatisfying(f -> assertThat(f).endsWith("; stale"));
            assertThat(json(books).get("accounts")).isEmpty();
            var reorder = send(
                    "GET",
                    "/api/v1/merchants/me/reorder-suggestions",
                    shop.token(),
                    null,
                    Map.of("Mercato-Consistency-Token", lowered));
            assertThat(reorder.headers().firstValue("Mercato-Freshness"))
                    .hasValueSatisfying(f -> assertThat(f).endsWith("; stale"));
            assertThat(reorder.body()).doesNotContain(sku);
        } finally {
            for (String view : List.of("accounting", "reorder")) {
                send("POST", "/api/v1/plane/views/" + view + "/resume", admin, null);
            }
        }
        var reorder = send(
                "GET",
                "/api/v1/merchants/me/reorder-suggestions",
                shop.token(),
                null,
                Map.of("Mercato-Consistency-Token", lowered));
        assertThat(reorder.headers().firstValue("Mercato-Freshness"))
                .hasValueSatisfying(f -> assertThat(f).doesNotContain("stale"));
        assertThat(json(reorder).get("items")).hasSize(1);
        await().atMost(WAIT).until(() -> balance(trialBalance(shop), "cash").equals("29.00"));
        assertThat(journalKinds(shop, order)).containsExactly("capture");
        assertThat(trialBalance(shop).get("balanced").asBoolean()).isTrue();
        // Caught up: no lag left on either view.
        await().atMost(WAIT).until(() -> {
            String views = send("GET", "/api/v1/plane/views", admin, null).body();
            return !views.matches("(?s).*\"view\":\"(accounting|reorder)\"[^\\]]*\"lagEvents\":[1-9].*");
        });
    }

    @Test
    void the_journal_pages_with_its_cursor_and_bad_reads_are_problems_naming_the_fault() throws Exception {
        Shop shop = shop();
        String admin = token("admin", "ops", null);
        String sku = product(shop, "3.00", 20);
        List<String> orders = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String order = checkout(sku, 1);
            ship(shop, order);
            orders.add(order);
        }
        await().atMost(WAIT).until(() -> balance(trialBalance(shop), "cash").equals("9.00"));
        List<String> paged = new java.util.ArrayList<>();
        String path = "/api/v1/merchants/me/journal?limit=2";
        while (path != null) {
            JsonNode page = json(send("GET", path, shop.token(), null));
            page.get("items").forEach(e -> paged.add(e.get("orderId").asString()));
            JsonNode next = page.get("next");
            path = next == null || next.isNull()
                    ? null
                    : "/api/v1/merchants/me/journal?limit=2&cursor=" + next.asString();
        }
        assertThat(paged).containsExactlyInAnyOrderElementsOf(orders);

        Map<String, String> bad = Map.of(
                "/api/v1/merchants/me/journal?limit=0", "limit",
                "/api/v1/merchants/me/journal?cursor=bm90LWEtY3Vyc29y", "cursor",
                "/api/v1/merchants/me/reorder-suggestions?status=bogus", "status",
                "/api/v1/merchants/me/reorder-suggestions?cursor=bm90LWEtY3Vyc29y", "sku");
        for (var b : bad.entrySet()) {
            var response = send("GET", b.getKey(), shop.token(), null);
            assertThat(response.statusCode()).as(b.getKey()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(response.body()).as(b.getKey()).contains(b.getValue());
        }
        // An admin must say whose books; a customer has none.
        assertThat(send("GET", "/api/v1/merchants/me/trial-balance", admin, null)
                        .statusCode())
                .isEqualTo(400);
        String customer = token("customer", "nosy", null);
        assertThat(send("GET", "/api/v1/merchants/me/journal", customer, null).statusCode())
                .isEqualTo(403);
    }
}
