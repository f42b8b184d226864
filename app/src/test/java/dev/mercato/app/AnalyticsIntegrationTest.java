package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.analytics.warehouse.Warehouse;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The warehouse over HTTP against the sources of truth: after checkouts (some cancelled, one refunded) the
 * revenue report equals the same figure computed from the orders themselves, the SQL endpoint refuses what
 * is not a read, and reconciliation finds rows deleted from the warehouse and puts them back.
 */
class AnalyticsIntegrationTest extends PlatformIntegrationTest {

    static final String MERCHANT = "lake-shop";

    @Autowired
    Warehouse warehouse;

    String admin;
    String merchant;

    void product(String sku, String category, String price) throws Exception {
        var r = send(
                "POST",
                "/api/v1/products",
                merchant,
                "{\"sku\":\"" + sku + "\",\"title\":\"Lake " + sku + "\",\"category\":\"" + category + "\","
                        + "\"price\":{\"amount\":\"" + price + "\",\"currency\":\"EUR\"}}");
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
        assertThat(send("PUT", "/api/v1/inventory/" + sku, merchant, "{\"onHand\":100}")
                        .statusCode())
                .isEqualTo(200);
    }

    String customer(String subject, String country) throws Exception {
        String token = token("customer", subject, null);
        var r = send(
                "PUT",
                "/api/v1/customers/me",
                token,
                "{\"email\":\"" + subject + "@example.com\",\"name\":\"" + subject + "\",\"country\":\"" + country
                        + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return token;
    }

    String order(String customer, Map<String, Integer> items) throws Exception {
        String cart =
                json(send("POST", "/api/v1/carts", customer, "{}")).get("id").asString();
        for (var item : items.entrySet()) {
            send(
                    "PUT",
                    "/api/v1/carts/" + cart + "/items/" + item.getKey(),
                    customer,
                    "{\"quantity\":" + item.getValue() + "}");
        }
        var placed = send(
                "POST",
                "/api/v1/orders",
                customer,
                "{\"cartId\":\"" + cart + "\"}",
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        return json(placed).get("id").asString();
    }

    void advance(String id, String... steps) throws Exception {
        for (String step : steps) {
            var r = send("POST", "/api/v1/orders/" + id + "/fulfillment", merchant, "{\"status\":\"" + step + "\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }

    /**
     * Revenue per country and category from the orders' source of truth: the lines of every order that is
     * not cancelled or refunded, at the price checkout charged, by the customer's country.
     */
    Map<String, BigDecimal> truth(Map<String, String> countryOf, List<String> orders) throws Exception {
        Map<String, BigDecimal> revenue = new TreeMap<>();
        for (String id : orders) {
            JsonNode o = json(send("GET", "/api/v1/orders/" + id, admin, null));
            String status = o.get("status").asString();
            if (status.equals("cancelled") || status.equals("refunded")) {
                continue;
            }
            String country = countryOf.get(o.get("customer").asString());
            for (JsonNode l : o.get("lines")) {
                BigDecimal line = new BigDecimal(
                                l.get("unitPrice").get("amount").asString())
                        .multiply(BigDecimal.valueOf(l.get("quantity").asInt()));
                revenue.merge(country + "|" + l.get("category").asString(), line, BigDecimal::add);
            }
        }
        return revenue;
    }

    Map<String, BigDecimal> report(String country) throws Exception {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        var r = send(
                "GET",
                "/api/v1/analytics/reports/revenue-by-country-category?from=" + today.minusDays(1) + "&to="
                        + today.plusDays(1) + "&country=" + country,
                admin,
                null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, BigDecimal> revenue = new TreeMap<>();
        for (JsonNode row : json(r).get("result").get("rows")) {
            revenue.put(
                    row.get("country").asString() + "|" + row.get("category").asString(),
                    new BigDecimal(row.get("revenue").asString()));
        }
        return revenue;
    }

    static Map<String, BigDecimal> only(Map<String, BigDecimal> revenue, String country) {
        Map<String, BigDecimal> out = new TreeMap<>();
        revenue.forEach((k, v) -> {
            if (k.startsWith(country + "|")) {
                out.put(k, v.stripTrailingZeros());
            }
        });
        return out;
    }

    static Map<String, BigDecimal> stripped(Map<String, BigDecimal> revenue) {
        Map<String, BigDecimal> out = new TreeMap<>();
        revenue.forEach((k, v) -> out.put(k, v.stripTrailingZeros()));
        return out;
    }

    /** Refreshes the warehouse until {@code check} holds (the lake and the warehouse follow the log). */
    void afterRefreshes(org.awaitility.core.ThrowingRunnable check) {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    assertThat(send("POST", "/api/v1/analytics/refresh", admin, null)
                                    .statusCode())
                            .isEqualTo(200);
                    check.run();
                });
    }

    HttpResponse<String> sql(String statement) throws Exception {
        return send("POST", "/api/v1/analytics/sql", admin, "{\"sql\":" + json(statement) + "}");
    }

    static String json(String s) {
        return dev.mercato.plane.events.EventJson.write(s);
    }

    @Test
    void the_revenue_report_equals_the_source_of_truth_and_reconciliation_repairs_deleted_rows() throws Exception {
        admin = token("admin", "ops", null);
        merchant = token("merchant", "mo", MERCHANT);
        product("LAKE-SPADE", "garden", "12.50");
        product("LAKE-RAKE", "garden", "8.00");
        product("LAKE-NOVEL", "books", "15.00");
        String ana = customer("lake-ana", "PT");
        String nils = customer("lake-nils", "NO");
        Map<String, String> countryOf = Map.of("lake-ana", "PT", "lake-nils", "NO");

        List<String> orders = new ArrayList<>();
        orders.add(order(ana, Map.of("LAKE-SPADE", 2, "LAKE-NOVEL", 1)));
        orders.add(order(ana, Map.of("LAKE-RAKE", 3)));
        orders.add(order(nils, Map.of("LAKE-NOVEL", 2)));
        orders.add(order(nils, Map.of("LAKE-SPADE", 1, "LAKE-RAKE", 1)));
        String cancelled = order(ana, Map.of("LAKE-NOVEL", 5));
        orders.add(cancelled);
        String refunded = order(nils, Map.of("LAKE-SPADE", 4));
        orders.add(refunded);
        String shipped = orders.get(0);
        assertThat(send("POST", "/api/v1/orders/" + cancelled + "/cancel", ana, null)
                        .statusCode())
                .isEqualTo(200);
        advance(shipped, "picked", "packed", "shipped");
        advance(refunded, "picked", "packed", "shipped");
        assertThat(send("POST", "/api/v1/orders/" + refunded + "/cancel", admin, null)
                        .statusCode())
                .isEqualTo(200);

        Map<String, BigDecimal> truth = stripped(truth(countryOf, orders));
        assertThat(truth).containsEntry("PT|garden", new BigDecimal("49"));
        afterRefreshes(() -> {
            Map<String, BigDecimal> fromWarehouse = new TreeMap<>(only(report("PT"), "PT"));
            fromWarehouse.putAll(only(report("NO"), "NO"));
            assertThat(fromWarehouse).isEqualTo(truth);
        });

        // Every report answers with its freshness; unknown names and bad dates are the caller's fault.
        var funnel = send("GET", "/api/v1/analytics/reports/cart-funnel", admin, null);
        assertThat(funnel.statusCode()).as(funnel.body()).isEqualTo(200);
        assertThat(json(funnel).get("result").get("rows").get(3).get("step").asString())
                .isEqualTo("paid");
        assertThat(json(funnel).get("freshness").has("lakeLagEvents")).isTrue();
        var daily = send("GET", "/api/v1/analytics/reports/daily-sales?merchant=" + MERCHANT, admin, null);
        assertThat(daily.statusCode()).isEqualTo(200);
        assertThat(json(daily).get("result").get("rows").get(0).get("orders").asInt())
                .isEqualTo(4);
        var unknown = send("GET", "/api/v1/analytics/reports/top-secret", admin, null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(unknown.body()).contains("revenue-by-country-category", "cart-funnel", "daily-sales");
        var badDate = send("GET", "/api/v1/analytics/reports/daily-sales?from=yesterday", admin, null);
        assertThat(badDate.statusCode()).isEqualTo(400);
        assertThat(badDate.body()).contains("from");

        // Read-only SQL: reads answer with every column in order (names may repeat) and each row as an
        // array; anything else is refused with the reason.
        // The revenue above counts only the four orders still sold; the cancelled and refunded ones may
        // reach the warehouse a refresh later.
        afterRefreshes(() -> {
            var counted = sql("SELECT count(*) AS n FROM dim_order WHERE merchant = '" + MERCHANT + "'");
            assertThat(json(counted).get("result").get("rows").get(0).get(0).asInt())
                    .isEqualTo(6);
        });
        var read = sql("SELECT count(*) AS n FROM dim_order WHERE merchant = '" + MERCHANT + "'");
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        JsonNode answer = json(read).get("result");
        assertThat(answer.get("columns").get(0).get("name").asString()).isEqualTo("n");
        assertThat(answer.get("columns").get(0).get("type").asString()).isEqualTo("BIGINT");
        assertThat(answer.get("rows").get(0).get(0).asInt()).isEqualTo(6);
        assertThat(answer.get("truncated").asBoolean()).isFalse();
        var typed = sql("SELECT 1 AS a, 2 AS a, '\\xDE\\xAD'::BLOB AS b, 'NaN'::DOUBLE AS d,"
                + " 170141183460469231731687303715884105727::HUGEINT AS h, [{'k': 1.50}] AS l");
        assertThat(typed.statusCode()).as(typed.body()).isEqualTo(200);
        JsonNode typedRow = json(typed).get("result").get("rows").get(0);
        assertThat(typedRow.toString())
                .isEqualTo("[1,2,\"3q0=\",\"NaN\",\"170141183460469231731687303715884105727\",[{\"k\":\"1.5\"}]]");
        assertThat(json(typed).get("result").get("columns").get(2).get("type").asString())
                .isEqualTo("BLOB");
        String lakeFile = warehouse.lake().resolve("leak.csv").toString();
        for (var refused : Map.of(
                        "DELETE FROM dim_order",
                        "writes",
                        "SELECT * FROM read_csv('/etc/passwd')",
                        "outside the lake",
                        "SELECT 1; SELECT 2",
                        "several statements",
                        "ATTACH 'x.duckdb' AS x",
                        "databases",
                        "INSTALL httpfs",
                        "extensions",
                        "EXPLAIN SELECT $$'$$; ROLLBACK; CREATE TABLE pwned AS SELECT 1; --'",
                        "not a read-only query",
                        "EXPLAIN SELECT $$--$$; COPY (SELECT 1) TO '" + lakeFile + "'",
                        "not a read-only query",
                        "SELECT * FROM checkpoint()",
                        "checkpoint()",
                        "SET memory_limit = '100GB'",
                        "settings",
                        "SELECT repeat('x', 100000)",
                        "bytes")
                .entrySet()) {
            var r = sql(refused.getKey());
            assertThat(r.statusCode()).as(refused.getKey()).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(r.body()).as(refused.getKey()).contains(refused.getValue());
        }
        assertThat(json(sql("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'pwned'"))
                        .get("result")
                        .get("rows")
                        .get(0)
                        .get(0)
                        .asInt())
                .isZero();
        assertThat(Files.exists(Path.of(lakeFile))).isFalse();
        assertThat(send("POST", "/api/v1/analytics/sql", admin, "{}").statusCode())
                .isEqualTo(400);

        // Reconciliation: in step with the sources of truth, then rows deleted from the warehouse drift,
        // are reloaded from the lake, and the next run finds nothing.
        var clean =
                json(send("POST", "/api/v1/plane/reconciliation", admin, null)).get("last");
        assertThat(clean.get("drifted").asInt()).as(clean.toString()).isZero();
        assertThat(clean.get("checked").asInt()).isPositive();
        warehouse.execute("DELETE FROM fact_order_line WHERE order_id = '" + orders.get(2) + "'");
        warehouse.execute("DELETE FROM fact_payment WHERE payment_id = '" + shipped + "'");
        assertThat(report("NO")).isNotEqualTo(only(truth, "NO"));

        var repaired =
                json(send("POST", "/api/v1/plane/reconciliation", admin, null)).get("last");
        assertThat(repaired.get("drifted").asInt()).as(repaired.toString()).isGreaterThanOrEqualTo(3);
        assertThat(repaired.get("remaining").asInt()).isZero();
        assertThat(repaired.get("repaired").asInt())
                .isEqualTo(repaired.get("drifted").asInt());
        List<String> metrics = new ArrayList<>();
        repaired.get("drift")
                .forEach(d -> metrics.add(
                        d.get("merchant").asString() + " " + d.get("metric").asString()));
        assertThat(metrics).contains(MERCHANT + " orders/EUR", MERCHANT + " revenue/EUR", MERCHANT + " captured/EUR");
        assertThat(stripped(report("NO"))).isEqualTo(only(truth, "NO"));

        var last =
                json(send("GET", "/api/v1/plane/reconciliation", admin, null)).get("last");
        assertThat(last.get("run").asLong()).isEqualTo(repaired.get("run").asLong());
        var again =
                json(send("POST", "/api/v1/plane/reconciliation", admin, null)).get("last");
        assertThat(again.get("drifted").asInt()).as(again.toString()).isZero();
    }
}
