package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.plane.consume.ViewFreshness;
import dev.mercato.plane.consume.ViewRegistry;
import dev.mercato.plane.outbox.Outboxes;
import dev.mercato.plane.postgres.PostgresStores;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every route, as every kind of caller, with and without ownership. Each rule says which callers may do
 * what with a resource owned by the customer ada and the merchant casa-bella; every other caller must be
 * refused (401, 403, or the same 404 as for something that does not exist), and a refused request must
 * write nothing. A route without a rule fails the test, so no new route escapes the policy.
 */
class AccessPolicyIntegrationTest extends PlatformIntegrationTest {

    /** Who calls: the owners of the fixtures, another customer, another merchant, an admin, nobody. */
    enum Who {
        ANONYMOUS,
        ADA,
        BOB,
        CASA,
        VOLT,
        ADMIN
    }

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired
    PostgresStores stores;

    @Autowired
    Outboxes outboxes;

    @Autowired
    ViewRegistry views;

    static final AtomicInteger RUN = new AtomicInteger();

    final Map<Who, String> tokens = new EnumMap<>(Who.class);
    String casaSku;
    String voltSku;

    /** A request for a route, built for one caller (fixtures it needs are made fresh when it mutates). */
    record Call(String method, String path, String body, Map<String, String> headers) {
        static Call of(String method, String path) {
            return new Call(method, path, null, Map.of());
        }

        static Call of(String method, String path, String body) {
            return new Call(method, path, body, Map.of());
        }
    }

    /**
     * @param route the route as Spring maps it, e.g. {@code GET /api/v1/orders/{id}}
     * @param allowed the status each allowed caller gets; everyone else is refused
     * @param hidden what a caller other than the owner must never see in an allowed answer
     */
    record Rule(String route, Function<Who, Call> call, Map<Who, Integer> allowed, Function<Who, String> hidden) {}

    @BeforeEach
    void fixtures() throws Exception {
        tokens.put(Who.ADA, token("customer", "ada", null));
        tokens.put(Who.BOB, token("customer", "bob", null));
        tokens.put(Who.CASA, token("merchant", "mo", "casa-bella"));
        tokens.put(Who.VOLT, token("merchant", "vi", "volt-labs"));
        tokens.put(Who.ADMIN, token("admin", "ops", null));
        int run = RUN.incrementAndGet();
        casaSku = product(Who.CASA, "POL-" + run + "-CASA");
        voltSku = product(Who.VOLT, "POL-" + run + "-VOLT");
        for (Who customer : List.of(Who.ADA, Who.BOB)) {
            var saved = send(
                    "PUT",
                    "/api/v1/customers/me",
                    tokens.get(customer),
                    "{\"email\":\"" + customer.name().toLowerCase() + "@example.com\",\"name\":\"" + customer
                            + "\",\"country\":\"DE\"}");
            assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        }
    }

    String product(Who merchant, String sku) throws Exception {
        var created = send(
                "POST",
                "/api/v1/products",
                tokens.get(merchant),
                "{\"sku\":\"" + sku + "\",\"title\":\"Policy " + sku + "\",\"category\":\"home/policy\","
                        + "\"price\":{\"amount\":\"5.00\",\"currency\":\"EUR\"}}");
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
        var stocked = send("PUT", "/api/v1/inventory/" + sku, tokens.get(merchant), "{\"onHand\":1000}");
        assertThat(stocked.statusCode()).as(stocked.body()).isEqualTo(200);
        return sku;
    }

    /** A fresh cart of ada's (or anonymous, with {@code owner} null) holding one casa-bella product. */
    String cart(Who owner) throws Exception {
        var cart = send("POST", "/api/v1/carts", owner == null ? null : tokens.get(owner), "{}");
        assertThat(cart.statusCode()).as(cart.body()).isIn(200, 201);
        String id = json(cart).get("id").asString();
        var line = send(
                "PUT",
                "/api/v1/carts/" + id + "/items/" + casaSku,
                owner == null ? null : tokens.get(owner),
                "{\"quantity\":1}");
        assertThat(line.statusCode()).as(line.body()).isEqualTo(200);
        return id;
    }

    /** A fresh order of ada's from casa-bella. */
    String order() throws Exception {
        var placed = send(
                "POST",
                "/api/v1/orders",
                tokens.get(Who.ADA),
                "{\"cartId\":\"" + cart(Who.ADA) + "\"}",
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        return json(placed).get("id").asString();
    }

    /** A fresh casa-bella SKU counted under its threshold, so it has a reorder suggestion. */
    String lowSku() throws Exception {
        String sku = product(
                Who.CASA, "LOW-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase());
        var low = send("PUT", "/api/v1/inventory/" + sku, tokens.get(Who.CASA), "{\"onHand\":1}");
        assertThat(low.statusCode()).as(low.body()).isEqualTo(200);
        return sku;
    }

    /** A fresh order of ada's from casa-bella, shipped, so its payment is captured and booked. */
    String shippedOrder() throws Exception {
        String id = order();
        for (String step : List.of("picked", "packed", "shipped")) {
            var moved = send(
                    "POST",
                    "/api/v1/orders/" + id + "/fulfillment",
                    tokens.get(Who.CASA),
                    "{\"status\":\"" + step + "\"}");
            assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        }
        return id;
    }

    static Map<Who, Integer> allow(Object... whoAndStatus) {
        Map<Who, Integer> allowed = new EnumMap<>(Who.class);
        for (int i = 0; i < whoAndStatus.length; i += 2) {
            allowed.put((Who) whoAndStatus[i], (Integer) whoAndStatus[i + 1]);
        }
        return allowed;
    }

    static Map<Who, Integer> everyone(int status) {
        Map<Who, Integer> all = new EnumMap<>(Who.class);
        for (Who w : Who.values()) {
            all.put(w, status);
        }
        return all;
    }

    static Function<Who, String> nothingHidden() {
        return who -> null;
    }

    List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        // Catalog: public reads; writes by the owning merchant or an admin.
        rules.add(new Rule(
                "GET /api/v1/products",
                w -> Call.of("GET", "/api/v1/products?limit=5"),
                everyone(200),
                nothingHidden()));
        rules.add(new Rule(
                "GET /api/v1/products/{sku}",
                w -> Call.of("GET", "/api/v1/products/" + casaSku),
                everyone(200),
                nothingHidden()));
        rules.add(new Rule(
                "GET /api/v1/categories", w -> Call.of("GET", "/api/v1/categories"), everyone(200), nothingHidden()));
        rules.add(new Rule(
                "POST /api/v1/products",
                w -> Call.of(
                        "POST",
                        "/api/v1/products",
                        "{\"sku\":\"" + casaSku + "\",\"title\":\"Changed by " + w + "\",\"category\":\"home/policy\","
                                + (w == Who.ADMIN ? "\"merchant\":\"casa-bella\"," : "")
                                + "\"price\":{\"amount\":\"5.00\",\"currency\":\"EUR\"}}"),
                allow(Who.CASA, 200, Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "DELETE /api/v1/products/{sku}",
                w -> Call.of(
                        "DELETE",
                        "/api/v1/products/"
                                + uncheck(() -> product(
                                        Who.CASA,
                                        "DEL-"
                                                + UUID.randomUUID()
                                                        .toString()
                                                        .substring(0, 8)
                                                        .toUpperCase()))),
                allow(Who.CASA, 200, Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "GET /api/v1/merchants/me/products",
                w -> Call.of(
                        "GET",
                        "/api/v1/merchants/me/products?limit=200" + (w == Who.ADMIN ? "&merchant=casa-bella" : "")),
                allow(Who.CASA, 200, Who.VOLT, 200, Who.ADMIN, 200),
                w -> w == Who.VOLT ? casaSku : null));
        // Inventory: the owning merchant and admins.
        rules.add(new Rule(
                "GET /api/v1/inventory/{sku}",
                w -> Call.of("GET", "/api/v1/inventory/" + casaSku),
                allow(Who.CASA, 200, Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "PUT /api/v1/inventory/{sku}",
                w -> Call.of("PUT", "/api/v1/inventory/" + casaSku, "{\"onHand\":" + (900 + w.ordinal()) + "}"),
                allow(Who.CASA, 200, Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "GET /api/v1/inventory",
                w -> Call.of("GET", "/api/v1/inventory?limit=200" + (w == Who.ADMIN ? "&merchant=casa-bella" : "")),
                allow(Who.CASA, 200, Who.VOLT, 200, Who.ADMIN, 200),
                w -> w == Who.VOLT ? casaSku : null));
        rules.add(new Rule(
                "GET /api/v1/inventory/reconciliation",
                w -> Call.of("GET", "/api/v1/inventory/reconciliation"),
                allow(Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "GET /api/v1/orders/reconciliation",
                w -> Call.of("GET", "/api/v1/orders/reconciliation?limit=20"),
                allow(Who.ADMIN, 200),
                nothingHidden()));
        // Reorder suggestions (derived): the merchant's own; an admin names the merchant.
        String lowSku = uncheck(this::lowSku);
        rules.add(new Rule(
                "GET /api/v1/merchants/me/reorder-suggestions",
                w -> Call.of(
                        "GET",
                        "/api/v1/merchants/me/reorder-suggestions?status=all&limit=200"
                                + (w == Who.ADMIN ? "&merchant=casa-bella" : "")),
                allow(Who.CASA, 200, Who.VOLT, 200, Who.ADMIN, 200),
                w -> w == Who.VOLT ? lowSku : null));
        // Books (derived): the merchant's own journal and trial balance; an admin names the merchant.
        String shipped = uncheck(this::shippedOrder);
        rules.add(new Rule(
                "GET /api/v1/merchants/me/journal",
                w -> Call.of(
                        "GET",
                        "/api/v1/merchants/me/journal?limit=200" + (w == Who.ADMIN ? "&merchant=casa-bella" : "")),
                allow(Who.CASA, 200, Who.VOLT, 200, Who.ADMIN, 200),
                w -> w == Who.VOLT ? shipped : null));
        rules.add(new Rule(
                "GET /api/v1/merchants/me/trial-balance",
                w -> Call.of(
                        "GET", "/api/v1/merchants/me/trial-balance" + (w == Who.ADMIN ? "?merchant=casa-bella" : "")),
                allow(Who.CASA, 200, Who.VOLT, 200, Who.ADMIN, 200),
                w -> w == Who.VOLT ? "casa-bella" : null));
        // Discovery: public.
        rules.add(new Rule(
                "GET /api/v1/search", w -> Call.of("GET", "/api/v1/search?q=policy"), everyone(200), nothingHidden()));
        // Carts: anyone creates one; a customer's cart is its owner's (and an admin's).
        rules.add(new Rule(
                "POST /api/v1/carts", w -> Call.of("POST", "/api/v1/carts", "{}"), everyone(201), nothingHidden()));
        rules.add(new Rule(
                "GET /api/v1/carts/{id}",
                w -> Call.of("GET", "/api/v1/carts/" + uncheck(() -> cart(Who.ADA))),
                allow(Who.ADA, 200, Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "PUT /api/v1/carts/{id}/items/{sku}",
                w -> Call.of(
                        "PUT",
                        "/api/v1/carts/" + uncheck(() -> cart(Who.ADA)) + "/items/" + casaSku,
                        "{\"quantity\":3}"),
                allow(Who.ADA, 200, Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "DELETE /api/v1/carts/{id}/items/{sku}",
                w -> Call.of("DELETE", "/api/v1/carts/" + uncheck(() -> cart(Who.ADA)) + "/items/" + casaSku),
                allow(Who.ADA, 200, Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "POST /api/v1/carts/{id}/merge",
                w -> Call.of("POST", "/api/v1/carts/" + uncheck(() -> cart(null)) + "/merge", "{}"),
                allow(Who.ADA, 200, Who.BOB, 200),
                nothingHidden()));
        // Orders: customers check out their own carts; the order is its customer's, its merchant's and admins'.
        rules.add(new Rule(
                "POST /api/v1/orders",
                w -> new Call(
                        "POST",
                        "/api/v1/orders",
                        "{\"cartId\":\"" + uncheck(() -> cart(Who.ADA)) + "\"}",
                        Map.of("Idempotency-Key", UUID.randomUUID().toString())),
                allow(Who.ADA, 201),
                nothingHidden()));
        String adasOrder = uncheck(this::order);
        rules.add(new Rule(
                "GET /api/v1/orders",
                w -> Call.of("GET", "/api/v1/orders?limit=100"),
                allow(Who.ADA, 200, Who.BOB, 200, Who.CASA, 200, Who.VOLT, 200, Who.ADMIN, 200),
                w -> w == Who.BOB || w == Who.VOLT ? adasOrder : null));
        rules.add(new Rule(
                "GET /api/v1/orders/{id}",
                w -> Call.of("GET", "/api/v1/orders/" + adasOrder),
                allow(Who.ADA, 200, Who.CASA, 200, Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "POST /api/v1/orders/{id}/cancel",
                w -> Call.of("POST", "/api/v1/orders/" + uncheck(this::order) + "/cancel", "{}"),
                allow(Who.ADA, 200, Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "POST /api/v1/orders/{id}/fulfillment",
                w -> Call.of(
                        "POST", "/api/v1/orders/" + uncheck(this::order) + "/fulfillment", "{\"status\":\"picked\"}"),
                allow(Who.CASA, 200, Who.ADMIN, 200),
                nothingHidden()));
        // Fulfillment: the order's merchant or an admin reads its pick list; a merchant its own queue.
        rules.add(new Rule(
                "GET /api/v1/orders/{id}/fulfillment",
                w -> Call.of("GET", "/api/v1/orders/" + adasOrder + "/fulfillment"),
                allow(Who.CASA, 200, Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "GET /api/v1/merchants/me/fulfillment",
                w -> Call.of("GET", "/api/v1/merchants/me/fulfillment?limit=100"),
                allow(Who.CASA, 200, Who.VOLT, 200, Who.ADMIN, 200),
                w -> w == Who.VOLT ? adasOrder : null));
        rules.add(new Rule(
                "GET /api/v1/customers/me/orders",
                w -> Call.of("GET", "/api/v1/customers/me/orders?limit=100"),
                allow(Who.ADA, 200, Who.BOB, 200),
                w -> w == Who.BOB ? adasOrder : null));
        // Customers: their own profile; admins read anyone's.
        rules.add(new Rule(
                "GET /api/v1/customers/me",
                w -> Call.of("GET", "/api/v1/customers/me"),
                allow(Who.ADA, 200, Who.BOB, 200),
                nothingHidden()));
        rules.add(new Rule(
                "PUT /api/v1/customers/me",
                w -> Call.of(
                        "PUT",
                        "/api/v1/customers/me",
                        "{\"email\":\"" + w.name().toLowerCase() + "@example.com\",\"name\":\"" + w
                                + " again\",\"country\":\"FR\"}"),
                allow(Who.ADA, 200, Who.BOB, 200),
                nothingHidden()));
        rules.add(new Rule(
                "GET /api/v1/customers/{id}",
                w -> Call.of("GET", "/api/v1/customers/ada"),
                allow(Who.ADMIN, 200),
                nothingHidden()));
        // Payments: the payment's merchant and admins; the provider's ledger for admins.
        rules.add(new Rule(
                "GET /api/v1/payments/{id}",
                w -> Call.of("GET", "/api/v1/payments/" + adasOrder),
                allow(Who.CASA, 200, Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "GET /api/v1/payments/ledger",
                w -> Call.of("GET", "/api/v1/payments/ledger"),
                allow(Who.ADMIN, 200),
                nothingHidden()));
        // The data plane's operations: admins only (an unknown view or letter is a 404 even for them).
        rules.add(new Rule(
                "GET /api/v1/plane/outbox",
                w -> Call.of("GET", "/api/v1/plane/outbox"),
                allow(Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "GET /api/v1/plane/views",
                w -> Call.of("GET", "/api/v1/plane/views"),
                allow(Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "GET /api/v1/plane/statements",
                w -> Call.of("GET", "/api/v1/plane/statements?limit=5"),
                allow(Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "POST /api/v1/plane/views/{view}/rebuild",
                w -> Call.of("POST", "/api/v1/plane/views/nope/rebuild"),
                allow(Who.ADMIN, 404),
                nothingHidden()));
        rules.add(new Rule(
                "POST /api/v1/plane/views/{view}/pause",
                w -> Call.of("POST", "/api/v1/plane/views/nope/pause"),
                allow(Who.ADMIN, 404),
                nothingHidden()));
        rules.add(new Rule(
                "POST /api/v1/plane/views/{view}/resume",
                w -> Call.of("POST", "/api/v1/plane/views/nope/resume"),
                allow(Who.ADMIN, 404),
                nothingHidden()));
        rules.add(new Rule(
                "GET /api/v1/plane/dead-letters",
                w -> Call.of("GET", "/api/v1/plane/dead-letters"),
                allow(Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "GET /api/v1/plane/dead-letters/{id}",
                w -> Call.of("GET", "/api/v1/plane/dead-letters/search-999999"),
                allow(Who.ADMIN, 404),
                nothingHidden()));
        rules.add(new Rule(
                "POST /api/v1/plane/dead-letters/{id}/redrive",
                w -> Call.of("POST", "/api/v1/plane/dead-letters/search-999999/redrive"),
                allow(Who.ADMIN, 404),
                nothingHidden()));
        rules.add(new Rule(
                "POST /api/v1/plane/dead-letters/redrive",
                w -> Call.of("POST", "/api/v1/plane/dead-letters/redrive?view=nope"),
                allow(Who.ADMIN, 404),
                nothingHidden()));
        // Analytics: the warehouse and its reconciliation, admins only.
        rules.add(new Rule(
                "GET /api/v1/analytics/reports/{name}",
                w -> Call.of("GET", "/api/v1/analytics/reports/daily-sales?merchant=casa-bella"),
                allow(Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "POST /api/v1/analytics/sql",
                w -> Call.of("POST", "/api/v1/analytics/sql", "{\"sql\":\"SELECT count(*) AS n FROM dim_order\"}"),
                allow(Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "POST /api/v1/analytics/refresh",
                w -> Call.of("POST", "/api/v1/analytics/refresh"),
                allow(Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "GET /api/v1/plane/reconciliation",
                w -> Call.of("GET", "/api/v1/plane/reconciliation"),
                allow(Who.ADMIN, 200),
                nothingHidden()));
        rules.add(new Rule(
                "POST /api/v1/plane/reconciliation",
                w -> Call.of("POST", "/api/v1/plane/reconciliation"),
                allow(Who.ADMIN, 200),
                nothingHidden()));
        // Identity and the contract itself: public (the issuer exists in embedded mode only).
        rules.add(new Rule(
                "POST /api/v1/dev/tokens",
                w -> Call.of("POST", "/api/v1/dev/tokens", "{\"role\":\"customer\",\"subject\":\"x\"}"),
                everyone(200),
                nothingHidden()));
        rules.add(new Rule(
                "GET /api/v1/openapi.json",
                w -> Call.of("GET", "/api/v1/openapi.json"),
                everyone(200),
                nothingHidden()));
        rules.add(new Rule(
                "GET /api/v1/openapi.json.yaml",
                w -> Call.of("GET", "/api/v1/openapi.json.yaml"),
                everyone(200),
                nothingHidden()));
        return rules;
    }

    @Test
    void every_route_has_a_rule() {
        Set<String> mapped = new TreeSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> {
            for (String pattern : info.getPatternValues()) {
                if (pattern.startsWith("/api/v1/")) {
                    info.getMethodsCondition().getMethods().forEach(m -> mapped.add(m.name() + " " + pattern));
                }
            }
        });
        mapped.add("GET /api/v1/openapi.json");
        Set<String> ruled = new TreeSet<>();
        rules().forEach(r -> ruled.add(r.route()));
        Set<String> missing = new TreeSet<>(mapped);
        missing.removeAll(ruled);
        Set<String> stale = new TreeSet<>(ruled);
        stale.removeAll(mapped);
        assertThat(missing).as("routes without a rule").isEmpty();
        assertThat(stale).as("rules for routes that do not exist").isEmpty();
    }

    @Test
    void each_caller_is_allowed_exactly_what_its_rule_says_and_a_refusal_writes_nothing() throws Exception {
        List<String> failures = new ArrayList<>();
        try (Connection admin = stores.adminConnection()) {
            walk(admin, failures);
        }
        assertThat(failures).isEmpty();
    }

    void walk(Connection admin, List<String> failures) throws Exception {
        for (Rule rule : rules()) {
            for (Who who : Who.values()) {
                Call call = rule.call().apply(who);
                Integer expected = rule.allowed().get(who);
                if (expected == null) {
                    settle(); // only a refusal's writes are counted
                }
                Map<String, Long> before = outboxPositions(admin);
                HttpResponse<String> response =
                        send(call.method(), call.path(), tokens.get(who), call.body(), call.headers());
                String what = rule.route() + " as " + who + " -> " + response.statusCode() + " "
                        + abbreviate(response.body());
                if (expected != null) {
                    if (response.statusCode() != expected) {
                        failures.add("expected " + expected + ": " + what);
                    }
                    String hidden = rule.hidden().apply(who);
                    if (hidden != null && response.body().contains(hidden)) {
                        failures.add("shows " + hidden + " to a non-owner: " + what);
                    }
                } else {
                    // Anonymous callers meet 401 at the edge, or, on routes open to them (carts), the
                    // capability's own refusal; the owner of nothing sees 403 or a 404 that reveals nothing.
                    if (!Set.of(401, 403, 404).contains(response.statusCode())) {
                        failures.add("expected a refusal (401, 403 or 404): " + what);
                    }
                    if (!outboxPositions(admin).equals(before)) {
                        failures.add("a refused request wrote events: " + what);
                    }
                }
            }
        }
    }

    /**
     * Waits until what earlier calls started has settled (every outbox relayed, every view caught up):
     * fulfillment's intake writes its own events after a checkout, and those must not be counted against
     * the refused request that happens to follow. Bounded; a view that never settles shows up as a failure.
     */
    void settle() {
        try {
            await().atMost(Duration.ofSeconds(30))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> outboxes.status().stream().allMatch(s -> s.unpublished() == 0)
                            && views.freshness().stream()
                                    .filter(ViewFreshness::active)
                                    .allMatch(f -> f.lagEvents() == 0));
        } catch (ConditionTimeoutException e) {
            // Compare anyway: a write that is still under way is reported as one.
        }
    }

    static String abbreviate(String body) {
        return body.length() > 160 ? body.substring(0, 160) + "..." : body;
    }

    interface Checked<T> {
        T get() throws Exception;
    }

    static <T> T uncheck(Checked<T> f) {
        try {
            return f.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
