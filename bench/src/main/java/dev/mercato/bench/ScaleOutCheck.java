package dev.mercato.bench;

import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.kafka.EmbeddedKafka;
import dev.mercato.plane.kafka.EmbeddedKafkaSettings;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;

/**
 * The platform in external mode, twice: two instances of the packaged jar share one PostgreSQL server
 * (the machine's, {@code 127.0.0.1:5432} by default) and one Kafka broker that runs outside them (started
 * here, in this JVM: the platform's clients see a broker like any other). Then {@code buyers} customers,
 * split between the two instances, race for the last {@code units} of one SKU, and the check reads every
 * derived answer back from both instances:
 *
 * <ul>
 *   <li>exactly {@code units} orders, the rest refused {@code out-of-stock}, stock at 0 and never below;
 *   <li>each instance's search index is whole (each keeps its own copy, so each must see every partition);
 *   <li>the shared PostgreSQL views (account view, fulfillment queue) answer the same on both.
 * </ul>
 *
 * <p>Carts stay on each instance's RocksDB here, so a buyer uses one instance throughout (sticky sessions);
 * the DynamoDB cart store is what lets any instance serve any cart.
 *
 * <pre>
 * ./mercato build && ./mvnw -q -B install -DskipTests && \
 * ./mvnw -q -pl bench exec:java -Dexec.mainClass=dev.mercato.bench.ScaleOutCheck \
 *   -Dexec.args="app/target/mercato.jar 200 50 127.0.0.1 5432"
 * </pre>
 */
public final class ScaleOutCheck {

    /** Fixed so that a second run finds the roles the first created with the same passwords. */
    static final String ROLE_SECRET = "scale-out-check-role-secret";

    static final String JWT_SECRET = "scale-out-check-jwt-secret-of-32-characters";

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "app/target/mercato.jar");
        int buyers = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int units = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        String host = args.length > 3 ? args[3] : "127.0.0.1";
        int port = args.length > 4 ? Integer.parseInt(args[4]) : 5432;
        String database = "mercato_scale_" + Long.toString(System.currentTimeMillis(), 36);

        Path brokerDir = Files.createTempDirectory("mercato-scale-broker");
        try (EmbeddedKafka broker = EmbeddedKafka.start(EmbeddedKafkaSettings.of(brokerDir))) {
            List<String> external = List.of(
                    "--mercato.mode=external",
                    "--mercato.sample-data=false",
                    "--mercato.postgres.host=" + host,
                    "--mercato.postgres.port=" + port,
                    "--mercato.postgres.database=" + database,
                    "--mercato.postgres.admin-user=postgres",
                    "--mercato.postgres.role-secret=" + ROLE_SECRET,
                    "--mercato.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                    "--mercato.identity.jwt-secret=" + JWT_SECRET);
            System.out.printf(
                    "broker at %s, database %s on %s:%d; starting two instances%n",
                    broker.bootstrapServers(), database, host, port);
            try (var a = CheckoutBench.Platform.start(jar, external);
                    var b = CheckoutBench.Platform.start(jar, external)) {
                System.out.printf(
                        "connections to %s with both instances up: %d (the server allows %s)%n",
                        database, connections(host, port, database), setting(host, port, "max_connections"));
                run(List.of(a, b), buyers, units);
                dropDatabase(host, port, database);
            }
        }
    }

    static void run(List<CheckoutBench.Platform> instances, int buyers, int units) throws Exception {
        CheckoutBench.Platform a = instances.get(0);
        String merchant = token("merchant", "mo", "scale-shop");
        String admin = token("admin", "ops", null);
        String sku = "SCL-" + UUID.randomUUID().toString().substring(0, 6).toUpperCase(Locale.ROOT);
        expect(
                a.send(
                        "POST",
                        "/api/v1/products",
                        merchant,
                        "{\"sku\":\"" + sku + "\",\"title\":\"Quokka kettle\",\"category\":\"home/kitchen\","
                                + "\"price\":{\"amount\":\"25.00\",\"currency\":\"EUR\"}}",
                        Map.of()),
                201,
                200);
        expect(a.send("PUT", "/api/v1/inventory/" + sku, merchant, "{\"onHand\":" + units + "}", Map.of()), 200);

        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        Map<String, String> orders = new ConcurrentHashMap<>();
        Map<String, Integer> retried = new ConcurrentHashMap<>();
        Map<String, Integer> refusals = new ConcurrentHashMap<>();
        Instant started = Instant.now();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < buyers; i++) {
                int buyer = i;
                done.add(pool.submit(() -> {
                    CheckoutBench.Platform on = instances.get(buyer % instances.size());
                    String customer = "buyer-" + buyer;
                    String token = token("customer", customer, null);
                    JsonNode cart =
                            EventJson.tree(expect(on.send("POST", "/api/v1/carts", token, "{}", Map.of()), 201, 200)
                                    .body());
                    String cartId = cart.get("id").asString();
                    expect(
                            on.send(
                                    "PUT",
                                    "/api/v1/carts/" + cartId + "/items/" + sku,
                                    token,
                                    "{\"quantity\":1}",
                                    Map.of()),
                            200);
                    // As a client should: "not now" (a 503, or 409 checkout-in-progress while recovery holds
                    // the checkout) is asked again with the same key until the checkout has its answer.
                    String key = UUID.randomUUID().toString();
                    HttpResponse<String> placed;
                    int attempt = 0;
                    long giveUp = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                    while (true) {
                        placed = on.send(
                                "POST",
                                "/api/v1/orders",
                                token,
                                "{\"cartId\":\"" + cartId + "\"}",
                                Map.of("Idempotency-Key", key));
                        String type = placed.statusCode() == 201
                                ? ""
                                : EventJson.tree(placed.body()).get("type").asString();
                        boolean notNow = placed.statusCode() == 503 || type.endsWith("/checkout-in-progress");
                        if (!notNow || System.nanoTime() > giveUp) {
                            break;
                        }
                        attempt++;
                        retried.merge(placed.statusCode() + " " + type, 1, Integer::sum);
                        long wait = placed.headers()
                                .firstValue("Retry-After")
                                .map(Long::parseLong)
                                .orElse(1L);
                        LockSupport.parkNanos(Duration.ofSeconds(wait).toNanos());
                    }
                    statuses.merge(placed.statusCode(), 1, Integer::sum);
                    if (placed.statusCode() != 201) {
                        refusals.merge(
                                EventJson.tree(placed.body()).get("type").asString()
                                        + (attempt > 0 ? " after a 503" : ""),
                                1,
                                Integer::sum);
                    }
                    if (placed.statusCode() == 201) {
                        orders.put(EventJson.tree(placed.body()).get("id").asString(), token);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        Duration took = Duration.between(started, Instant.now());
        System.out.printf(
                "%d buyers for %d units across 2 instances in %d ms: %s; 503s retried with the same key: %s%n",
                buyers, units, took.toMillis(), statuses, retried);

        System.out.println("refusals: " + refusals);
        JsonNode stock = EventJson.tree(
                expect(instances.get(1).send("GET", "/api/v1/inventory/" + sku, merchant, null, Map.of()), 200)
                        .body());
        System.out.println("stock read on instance 2: " + stock);
        check(orders.size() == units, "orders placed: " + orders.size() + ", expected " + units);
        check(statuses.getOrDefault(409, 0) == buyers - units, "refusals: " + statuses);
        check(stock.get("available").asInt() == 0, "available after the race: " + stock.get("available"));

        // Each instance's own search index must hold the new product, with its stock sold out.
        for (int i = 0; i < instances.size(); i++) {
            CheckoutBench.Platform on = instances.get(i);
            int instance = i + 1;
            awaitTrue("search on instance " + instance + " finds " + sku + " sold out", () -> {
                JsonNode found = EventJson.tree(on.send("GET", "/api/v1/search?q=quokka", null, null, Map.of())
                        .body());
                for (JsonNode item : found.get("items")) {
                    if (item.get("sku").asString().equals(sku)) {
                        return !item.get("inStock").asBoolean();
                    }
                }
                return false;
            });
        }
        // The shared PostgreSQL views answer the same from either instance.
        String anOrder = orders.keySet().iterator().next();
        String itsBuyer = orders.get(anOrder);
        for (int i = 0; i < instances.size(); i++) {
            CheckoutBench.Platform on = instances.get(i);
            int instance = i + 1;
            awaitTrue(
                    "account view on instance " + instance + " lists order " + anOrder,
                    () -> on.send("GET", "/api/v1/customers/me/orders", itsBuyer, null, Map.of())
                            .body()
                            .contains(anOrder));
            awaitTrue("fulfillment queue on instance " + instance + " holds all " + units + " orders", () -> {
                int seen = 0;
                String cursor = null;
                do {
                    var page = on.send(
                            "GET",
                            "/api/v1/merchants/me/fulfillment?limit=100" + (cursor == null ? "" : "&cursor=" + cursor),
                            merchant,
                            null,
                            Map.of());
                    JsonNode body = EventJson.tree(page.body());
                    seen += body.get("items").size();
                    cursor = body.has("next") && !body.get("next").isNull()
                            ? body.get("next").asString()
                            : null;
                } while (cursor != null);
                return seen == units;
            });
        }
        var views = expect(a.send("GET", "/api/v1/plane/views", admin, null, Map.of()), 200);
        System.out.println("views as instance 1 reports them: " + views.body().length() + " bytes, all listed");
        System.out.println("SCALE-OUT CHECK PASSED");
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    static void awaitTrue(String what, Condition condition) throws Exception {
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(60).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within 60 s: " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        System.out.printf(
                "%s (%d ms)%n",
                what, Duration.ofNanos(System.nanoTime() - start).toMillis());
    }

    static HttpResponse<String> expect(HttpResponse<String> response, int... statuses) {
        for (int status : statuses) {
            if (response.statusCode() == status) {
                return response;
            }
        }
        throw new IllegalStateException(response.request().method() + " "
                + response.request().uri() + " answered " + response.statusCode() + ": " + response.body());
    }

    static void check(boolean holds, String what) {
        if (!holds) {
            throw new IllegalStateException("SCALE-OUT CHECK FAILED: " + what);
        }
        System.out.println("ok: " + what);
    }

    static String token(String role, String subject, String merchant) {
        return token(JWT_SECRET, role, subject, merchant);
    }

    /** A bearer token as an identity provider would issue it: HS256 over the shared secret, valid for 12 h. */
    static String token(String secret, String role, String subject, String merchant) {
        long now = Instant.now().getEpochSecond();
        String header = base64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String claims = base64("{\"sub\":\"" + subject + "\",\"role\":\"" + role + "\""
                + (merchant == null ? "" : ",\"merchant\":\"" + merchant + "\"")
                + ",\"iat\":" + now + ",\"exp\":" + (now + 12 * 3600) + "}");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] signature = mac.doFinal((header + "." + claims).getBytes(StandardCharsets.UTF_8));
            return header + "." + claims + "."
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static long connections(String host, int port, String database) throws java.sql.SQLException {
        try (var c = DriverManager.getConnection(
                        "jdbc:postgresql://" + host + ":" + port + "/postgres", "postgres", "");
                var s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = ?")) {
            s.setString(1, database);
            try (var r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static String setting(String host, int port, String name) throws java.sql.SQLException {
        try (var c = DriverManager.getConnection(
                        "jdbc:postgresql://" + host + ":" + port + "/postgres", "postgres", "");
                var s = c.createStatement();
                var r = s.executeQuery("SHOW " + name)) {
            r.next();
            return r.getString(1);
        }
    }

    private static void dropDatabase(String host, int port, String database) {
        try (var c = DriverManager.getConnection(
                        "jdbc:postgresql://" + host + ":" + port + "/postgres", "postgres", "");
                var s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            System.out.println("dropped database " + database);
        } catch (java.sql.SQLException e) {
            System.out.println("could not drop database " + database + ": " + e.getMessage());
        }
    }

    private ScaleOutCheck() {}
}
