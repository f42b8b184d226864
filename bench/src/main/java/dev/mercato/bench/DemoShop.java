package dev.mercato.bench;

import dev.mercato.analytics.generator.DataGenerator;
import dev.mercato.plane.events.EventJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The data generator's shop through the real write path of a running platform, for the demo: merchants'
 * products and stock, customers' profiles (their countries), then each generated order as a cart and a
 * checkout, advanced to delivery, cancelled or refunded as generated. Everything the warehouse then shows
 * came through the capabilities, their outboxes, the log and the lake. The orders are placed now, not on
 * their generated days: the write path takes no backdated orders (the bulk mode in the lake does).
 *
 * <p>Run against a started platform ({@code java -jar app/target/mercato.jar}): {@code ./mvnw -q -pl bench
 * exec:java -Dexec.mainClass=dev.mercato.bench.DemoShop -Dexec.args="http://localhost:8080 42 1 20"} (base
 * URL, seed, months, orders a day); then {@code GET /api/v1/analytics/reports/revenue-by-country-category}.
 */
public final class DemoShop {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    DemoShop(String base) {
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://localhost:8080";
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 42;
        int months = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int perDay = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        new DemoShop(base).run(new DataGenerator(seed, 200, 60, 3), months, perDay);
    }

    void run(DataGenerator generator, int months, int perDay) throws Exception {
        String admin = token("admin", "demo", null);
        Map<String, String> merchants = new HashMap<>();
        for (DataGenerator.Product p : generator.products()) {
            String merchant = merchants.computeIfAbsent(p.merchant(), m -> token("merchant", "demo-" + m, m));
            expect(
                    send(
                            "POST",
                            "/api/v1/products",
                            merchant,
                            "{\"sku\":\"" + p.sku() + "\",\"title\":\"Product "
                                    + p.sku() + "\",\"category\":\"" + p.category() + "\",\"price\":{\"amount\":\""
                                    + p.price().toPlainString() + "\",\"currency\":\"EUR\"}}"),
                    200,
                    201);
            expect(send("PUT", "/api/v1/inventory/" + p.sku(), merchant, "{\"onHand\":1000000}"), 200);
        }
        Map<String, String> customers = new HashMap<>();
        for (DataGenerator.Customer c : generator.customers()) {
            String token = token("customer", c.id(), null);
            customers.put(c.id(), token);
            expect(
                    send(
                            "PUT",
                            "/api/v1/customers/me",
                            token,
                            "{\"email\":\"" + c.id() + "@example.com\",\"name\":\"" + c.id() + "\",\"country\":\""
                                    + c.country() + "\"}"),
                    200);
        }
        List<DataGenerator.Order> orders = new ArrayList<>();
        generator.orders(LocalDate.now(), months, perDay, orders::add);
        int placed = 0;
        for (DataGenerator.Order o : orders) {
            String customer = customers.get(o.customer().id());
            String cart = EventJson.tree(
                            send("POST", "/api/v1/carts", customer, "{}").body())
                    .get("id")
                    .asString();
            Set<String> skus = new HashSet<>();
            for (DataGenerator.Line l : o.lines()) {
                if (skus.add(l.product().sku())) {
                    expect(
                            send(
                                    "PUT",
                                    "/api/v1/carts/" + cart + "/items/"
                                            + l.product().sku(),
                                    customer,
                                    "{\"quantity\":" + l.quantity() + "}"),
                            200);
                }
            }
            var response = send(
                    "POST",
                    "/api/v1/orders",
                    customer,
                    "{\"cartId\":\"" + cart + "\"}",
                    Map.of("Idempotency-Key", UUID.randomUUID().toString()));
            if (response.statusCode() != 201) {
                System.out.println("checkout refused: " + response.body());
                continue;
            }
            placed++;
            String id = EventJson.tree(response.body()).get("id").asString();
            String merchant = merchants.get(o.merchant());
            if (o.status().equals("cancelled")) {
                expect(send("POST", "/api/v1/orders/" + id + "/cancel", customer, null), 200);
                continue;
            }
            for (String step : List.of("picked", "packed", "shipped", "delivered")) {
                expect(
                        send(
                                "POST",
                                "/api/v1/orders/" + id + "/fulfillment",
                                merchant,
                                "{\"status\":\"" + step + "\"}"),
                        200);
            }
            if (o.status().equals("refunded")) {
                expect(send("POST", "/api/v1/orders/" + id + "/cancel", admin, null), 200);
            }
        }
        System.out.printf(
                "%d products, %d customers, %d of %d orders placed through the platform at %s%n",
                generator.products().size(), customers.size(), placed, orders.size(), base);
    }

    static void expect(HttpResponse<String> response, int... statuses) {
        for (int s : statuses) {
            if (response.statusCode() == s) {
                return;
            }
        }
        throw new IllegalStateException(
                response.request().uri() + " answered " + response.statusCode() + ": " + response.body());
    }

    HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        return send(method, path, token, body, Map.of());
    }

    HttpResponse<String> send(String method, String path, String token, String body, Map<String, String> headers)
            throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    String token(String role, String subject, String merchant) {
        try {
            var response = send(
                    "POST",
                    "/api/v1/dev/tokens",
                    null,
                    "{\"role\":\"" + role + "\",\"subject\":\"" + subject + "\""
                            + (merchant == null ? "" : ",\"merchant\":\"" + merchant + "\"") + "}");
            return EventJson.tree(response.body()).get("token").asString();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot get a token from " + base + ": " + e.getMessage(), e);
        }
    }
}
