package dev.mercato.bench;

import dev.mercato.orders.OrderStatus;
import dev.mercato.plane.events.EventJson;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;

/**
 * Crash loops: the packaged platform under a mixed load (checkouts, cancels, fulfillment steps, refunds,
 * retries of unanswered checkouts with their key), killed with SIGKILL at a random moment, started again on
 * the same data, left to recover, then judged; round after round on one data folder, so every later round
 * also re-judges everything the earlier ones left.
 *
 * <p>What is judged after each restart, over every order ever placed:
 *
 * <ul>
 *   <li><b>lost</b>: an order whose checkout was answered 201 is missing, or a move answered 200 is undone
 *       (the order ended where that move could not lead);
 *   <li><b>double charges</b>: the provider's own ledger (kept by the simulated provider in a store of its
 *       own, so it survives the kill) shows two captures, voids or refunds for one payment, or a checkout
 *       retried with its key made a second order;
 *   <li><b>oversold</b>: a SKU's on-hand is not what was stocked less what left picked and not returned,
 *       its reserved is not the sum of its placed orders, or more units left than were stocked;
 *   <li><b>invariant breaks</b>: {@code GET /api/v1/orders/reconciliation} (every order against its
 *       payment, ledger, reservation, pick list and books, with every view caught up) reports anything, or
 *       {@code /api/v1/inventory/reconciliation} does.
 * </ul>
 *
 * <p>Kill variants: {@code jvm} (the platform's JVM only; its PostgreSQL is found orphaned at restart),
 * {@code power} (the JVM and the embedded PostgreSQL postmaster together, as a power cut), {@code postgres}
 * (the postmaster alone while the platform keeps serving: it answers 503 until it is restarted), {@code
 * broker} (external mode: the platform on the machine's PostgreSQL and a Kafka broker in a process of its
 * own, and the broker is killed and restarted while the platform keeps running), {@code mixed} (a different
 * one of the first three each round).
 *
 * <pre>
 * bench/crash-loop [rounds] [seconds per round] [variant]
 * </pre>
 */
public final class CrashLoop {

    static final String JWT_SECRET = "crash-loop-jwt-secret-of-at-least-32-characters";
    static final Duration RECOVERY_DEADLINE = Duration.ofMinutes(3);
    static final int PLENTY = 1_000_000;
    static final int SCARCE = 40;

    final Path jar;
    final Path data;
    final int port;
    final String variant;
    final Random random;
    final List<String> settings = new ArrayList<>();
    final Report report = new Report();

    /** Every placed order this harness was told of, with every status a 2xx answer gave it. */
    final Map<String, Set<String>> acknowledged = new ConcurrentHashMap<>();
    /** Orders the harness placed, with their customer (for cancels) and lines. */
    final Map<String, Placed> placed = new ConcurrentHashMap<>();
    /** Checkouts whose answer was lost (the kill): replayed with their key after the restart. */
    final ConcurrentLinkedQueue<Checkout> inDoubt = new ConcurrentLinkedQueue<>();
    /** Idempotency keys, with the order each was answered (one order per key, ever). */
    final Map<String, String> orderOfKey = new ConcurrentHashMap<>();

    final Map<String, Integer> stocked = new LinkedHashMap<>();
    Broker broker;
    CheckoutBench.Platform platform;
    String merchant;
    String admin;
    final List<String> customers = new ArrayList<>();

    record Placed(String id, String customer, Map<String, Integer> lines) {}

    record Checkout(String key, String customer, String cart, Map<String, Integer> lines) {}

    /** What the rounds add up to. */
    static final class Report {
        int rounds;
        final AtomicInteger checkoutsAnswered = new AtomicInteger();
        final AtomicInteger ordersPlaced = new AtomicInteger();
        final AtomicInteger movesAnswered = new AtomicInteger();
        final AtomicInteger unanswered = new AtomicInteger();
        final AtomicInteger fiveHundreds = new AtomicInteger();
        final AtomicInteger shed503 = new AtomicInteger();
        int lost;
        int doubleCharges;
        int oversold;
        int invariantBreaks;
        long slowestRecoveryMs;
        final List<String> problems = new ArrayList<>();

        void problem(String kind, String what) {
            problems.add(kind + ": " + what);
            System.out.println("  !! " + kind + ": " + what);
        }
    }

    CrashLoop(Path jar, Path data, int port, String variant, long seed) {
        this.jar = jar;
        this.data = data;
        this.port = port;
        this.variant = variant;
        this.random = new Random(seed);
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "app/target/mercato.jar").toAbsolutePath();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        String variant = args.length > 3 ? args[3] : "mixed";
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 20261204L;
        if (!List.of("jvm", "power", "postgres", "broker", "mixed").contains(variant)) {
            throw new IllegalArgumentException("variant must be jvm, power, postgres, broker or mixed; got " + variant);
        }
        Path data = Files.createTempDirectory("mercato-crash-loop");
        System.out.printf(
                Locale.ROOT,
                "crash loop: %d rounds of %d s, variant %s, seed %d, %d cores, java %s, data in %s%n",
                rounds,
                seconds,
                variant,
                seed,
                Runtime.getRuntime().availableProcessors(),
                Runtime.version(),
                data);
        CrashLoop loop = new CrashLoop(jar, data, CheckoutBench.Platform.freePort(), variant, seed);
        try {
            loop.run(rounds, seconds);
        } finally {
            loop.stopAll();
        }
        Report r = loop.report;
        System.out.printf(
                Locale.ROOT,
                "%nCRASH LOOP %s: %d rounds, %d kills, %d orders placed (%d checkouts answered, %d moves answered,"
                        + " %d requests cut by the kills, %d answered 503 while a store was down), slowest recovery"
                        + " %.1f s%nlost acknowledged: %d, double charges: %d, oversold: %d, invariant breaks: %d,"
                        + " 500s: %d%n",
                variant,
                r.rounds,
                r.rounds,
                r.ordersPlaced.get(),
                r.checkoutsAnswered.get(),
                r.movesAnswered.get(),
                r.unanswered.get(),
                r.shed503.get(),
                r.slowestRecoveryMs / 1000.0,
                r.lost,
                r.doubleCharges,
                r.oversold,
                r.invariantBreaks,
                r.fiveHundreds.get());
        if (!r.problems.isEmpty()) {
            System.out.println("problems:");
            r.problems.forEach(p -> System.out.println("  " + p));
            System.exit(1);
        }
    }

    void run(int rounds, int seconds) throws Exception {
        settings.addAll(List.of(
                "--mercato.identity.jwt-secret=" + JWT_SECRET,
                // A dead request's checkout or move is taken up by recovery after this, not after 30 s.
                "--mercato.orders.lease=3s",
                "--mercato.orders.recovery-interval=1s"));
        if (variant.equals("broker")) {
            broker = Broker.start(data.resolve("broker"), CheckoutBench.Platform.freePort());
            String database = "mercato_crash_" + Long.toString(System.currentTimeMillis(), 36);
            settings.addAll(List.of(
                    "--mercato.mode=external",
                    "--mercato.sample-data=false",
                    "--mercato.postgres.host=127.0.0.1",
                    "--mercato.postgres.port=5432",
                    "--mercato.postgres.database=" + database,
                    "--mercato.postgres.admin-user=postgres",
                    "--mercato.postgres.role-secret=crash-loop-role-secret",
                    "--mercato.kafka.bootstrap-servers=" + broker.bootstrapServers()));
        }
        platform = CheckoutBench.Platform.start(jar, settings, data.resolve("platform"), port);
        setUp();
        for (int round = 1; round <= rounds; round++) {
            String kill = variant.equals("mixed")
                    ? List.of("jvm", "power", "postgres").get((round - 1) % 3)
                    : variant;
            System.out.printf(Locale.ROOT, "round %d (%s) at %s%n", round, kill, Instant.now());
            load(Duration.ofSeconds(seconds), kill);
            long recovered = System.nanoTime();
            recover();
            long recoveryMs = (System.nanoTime() - recovered) / 1_000_000;
            report.slowestRecoveryMs = Math.max(report.slowestRecoveryMs, recoveryMs);
            judge();
            report.rounds = round;
            System.out.printf(
                    Locale.ROOT,
                    "  round %d: %d orders so far, recovered and judged in %.1f s%n",
                    round,
                    placed.size(),
                    recoveryMs / 1000.0);
        }
    }

    void setUp() throws Exception {
        // Signed here with the secret the platform is given, as an identity provider would (external mode
        // has no development issuer).
        admin = ScaleOutCheck.token(JWT_SECRET, "admin", "crash-ops", null);
        merchant = ScaleOutCheck.token(JWT_SECRET, "merchant", "crash-mo", "crash-shop");
        for (int i = 0; i < 64; i++) {
            customers.add(ScaleOutCheck.token(JWT_SECRET, "customer", "crash-" + i, null));
        }
        for (int i = 0; i < 12; i++) {
            stocked.put("CRASH-" + i, i == 0 ? SCARCE : PLENTY);
        }
        for (var e : stocked.entrySet()) {
            DemoShop.expect(
                    platform.send(
                            "POST",
                            "/api/v1/products",
                            merchant,
                            "{\"sku\":\"" + e.getKey() + "\",\"title\":\"Crash test " + e.getKey()
                                    + "\",\"category\":\"home/crash\",\"price\":{\"amount\":\""
                                    + (5 + e.getKey().length())
                                    + ".00\",\"currency\":\"EUR\"}}",
                            Map.of()),
                    200,
                    201);
            DemoShop.expect(
                    platform.send(
                            "PUT",
                            "/api/v1/inventory/" + e.getKey(),
                            merchant,
                            "{\"onHand\":" + e.getValue() + "}",
                            Map.of()),
                    200);
        }
    }

    /**
     * Load until a random moment between half of {@code length} and all of it, then the kill; requests in
     * flight at the kill are cut (their outcome is judged after the restart), and no more are sent until
     * the platform is back.
     */
    void load(Duration length, String kill) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        long killAt = System.nanoTime() + (long) (length.toNanos() * (0.5 + 0.5 * random.nextDouble()));
        List<Long> seeds = new ArrayList<>();
        for (int c = 0; c < 24; c++) {
            seeds.add(random.nextLong());
        }
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
        for (long seed : seeds) {
            clients.submit(() -> {
                Random r = new Random(seed);
                while (running.get()) {
                    step(r, running);
                }
                return null;
            });
        }
        LockSupport.parkNanos(Math.max(0, killAt - System.nanoTime()));
        kill(kill, running);
        running.set(false);
        clients.shutdown();
        if (!clients.awaitTermination(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("clients did not stop");
        }
        if (!platform.process.isAlive()) {
            platform = CheckoutBench.Platform.start(jar, settings, data.resolve("platform"), port);
        }
    }

    void kill(String how, AtomicBoolean running) throws Exception {
        switch (how) {
            case "jvm" -> {
                platform.process.destroyForcibly();
                platform.process.waitFor();
            }
            case "power" -> {
                Optional<ProcessHandle> postmaster = postmaster();
                platform.process.destroyForcibly();
                postmaster.ifPresent(this::killTree);
                platform.process.waitFor();
            }
            case "postgres" -> {
                Optional<ProcessHandle> postmaster = postmaster();
                if (postmaster.isEmpty()) {
                    throw new IllegalStateException("no embedded PostgreSQL to kill under " + data);
                }
                killTree(postmaster.get());
                // The platform serves on without its store (503s, never 500s) for a few seconds; then it goes.
                LockSupport.parkNanos(Duration.ofSeconds(3).toNanos());
                running.set(false);
                platform.process.destroyForcibly();
                platform.process.waitFor();
            }
            case "broker" -> {
                broker.kill();
                // The platform keeps taking orders into its outboxes while the log is gone.
                LockSupport.parkNanos(Duration.ofSeconds(5).toNanos());
                broker = Broker.start(data.resolve("broker"), broker.port);
            }
            default -> throw new IllegalArgumentException(how);
        }
        System.out.printf(Locale.ROOT, "  killed (%s) at %s%n", how, Instant.now());
    }

    Optional<ProcessHandle> postmaster() throws IOException {
        Path pid = data.resolve("platform/postgres/cluster/postmaster.pid");
        if (!Files.exists(pid)) {
            return Optional.empty();
        }
        return ProcessHandle.of(
                Long.parseLong(Files.readAllLines(pid).getFirst().strip()));
    }

    void killTree(ProcessHandle handle) {
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (handle.isAlive() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    /** One client action: mostly checkouts, then moves of orders already placed. */
    void step(Random r, AtomicBoolean running) {
        try {
            int dice = r.nextInt(100);
            List<String> ids = List.copyOf(placed.keySet());
            if (dice < 45 || ids.isEmpty()) {
                checkout(r);
            } else if (dice < 85) {
                Placed order = placed.get(ids.get(r.nextInt(ids.size())));
                String next = next(order);
                if (next != null) {
                    move(order, next);
                }
            } else if (dice < 95) {
                move(placed.get(ids.get(r.nextInt(ids.size()))), "cancel");
            } else {
                move(placed.get(ids.get(r.nextInt(ids.size()))), "refund");
            }
        } catch (IOException | InterruptedException cut) {
            // The kill cut this request: whatever it did is judged after the restart.
            report.unanswered.incrementAndGet();
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        } catch (Exception e) {
            if (!running.get()) {
                return;
            }
            report.problem("harness", e.toString());
        }
    }

    /** What the merchant would do next with the order, from the last status this harness saw it in. */
    String next(Placed order) {
        Set<String> seen = acknowledged.getOrDefault(order.id(), Set.of());
        for (String[] step : new String[][] {
            {"delivered", null}, {"shipped", "delivered"}, {"packed", "shipped"}, {"picking", "packed"}
        }) {
            if (seen.contains(step[0])) {
                return step[1];
            }
        }
        return seen.contains("cancelled") || seen.contains("refunded") ? null : "picked";
    }

    void checkout(Random r) throws Exception {
        String customer = customers.get(r.nextInt(customers.size()));
        Map<String, Integer> lines = new TreeMap<>();
        int n = 1 + r.nextInt(3);
        List<String> skus = List.copyOf(stocked.keySet());
        for (int i = 0; i < n; i++) {
            // The scarce SKU is wanted by many, so the last units are raced for across crashes.
            String sku = r.nextInt(4) == 0 ? skus.getFirst() : skus.get(1 + r.nextInt(skus.size() - 1));
            lines.merge(sku, 1 + r.nextInt(2), Integer::sum);
        }
        String cart = EventJson.tree(platform.send("POST", "/api/v1/carts", customer, "{}", Map.of())
                        .body())
                .get("id")
                .asString();
        for (var l : lines.entrySet()) {
            var set = platform.send(
                    "PUT",
                    "/api/v1/carts/" + cart + "/items/" + l.getKey(),
                    customer,
                    "{\"quantity\":" + l.getValue() + "}",
                    Map.of());
            if (set.statusCode() != 200) {
                count(set);
                return;
            }
        }
        Checkout c = new Checkout(UUID.randomUUID().toString(), customer, cart, lines);
        try {
            answer(c, submit(c));
        } catch (IOException | InterruptedException cut) {
            inDoubt.add(c);
            throw cut;
        }
    }

    HttpResponse<String> submit(Checkout c) throws Exception {
        return platform.send(
                "POST",
                "/api/v1/orders",
                c.customer(),
                "{\"cartId\":\"" + c.cart() + "\"}",
                Map.of("Idempotency-Key", c.key()));
    }

    /** Records a checkout's answer; answers whether it is final (not a 503 to retry). */
    boolean answer(Checkout c, HttpResponse<String> response) {
        count(response);
        if (response.statusCode() == 201) {
            String id = EventJson.tree(response.body()).get("id").asString();
            String earlier = orderOfKey.putIfAbsent(c.key(), id);
            if (earlier != null && !earlier.equals(id)) {
                report.doubleCharges++;
                report.problem("double order", "key " + c.key() + " answered " + earlier + " and then " + id);
            }
            if (placed.putIfAbsent(id, new Placed(id, c.customer(), c.lines())) == null) {
                report.ordersPlaced.incrementAndGet();
            }
            acknowledged.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add("placed");
            report.checkoutsAnswered.incrementAndGet();
            return true;
        }
        if (response.statusCode() == 503) {
            return false;
        }
        report.checkoutsAnswered.incrementAndGet();
        return true;
    }

    void move(Placed order, String op) throws Exception {
        HttpResponse<String> response = switch (op) {
            case "cancel" ->
                platform.send("POST", "/api/v1/orders/" + order.id() + "/cancel", order.customer(), null, Map.of());
            case "refund" -> platform.send("POST", "/api/v1/orders/" + order.id() + "/cancel", admin, null, Map.of());
            default ->
                platform.send(
                        "POST",
                        "/api/v1/orders/" + order.id() + "/fulfillment",
                        merchant,
                        "{\"status\":\"" + op + "\"}",
                        Map.of());
        };
        count(response);
        if (response.statusCode() == 200) {
            report.movesAnswered.incrementAndGet();
            String status = EventJson.tree(response.body()).get("status").asString();
            acknowledged
                    .computeIfAbsent(order.id(), k -> ConcurrentHashMap.newKeySet())
                    .add(status);
        }
    }

    void count(HttpResponse<String> response) {
        if (response.statusCode() == 503) {
            report.shed503.incrementAndGet();
        } else if (response.statusCode() >= 500) {
            report.fiveHundreds.incrementAndGet();
            report.problem(
                    "5xx",
                    response.request().method() + " " + response.request().uri() + " answered " + response.statusCode()
                            + ": " + response.body());
        }
    }

    /** Replays unanswered checkouts with their keys and waits until nothing is in flight and every view is caught up. */
    void recover() throws Exception {
        long deadline = System.nanoTime() + RECOVERY_DEADLINE.toNanos();
        List<Checkout> replay = new ArrayList<>(inDoubt);
        inDoubt.clear();
        for (Checkout c : replay) {
            while (true) {
                if (System.nanoTime() > deadline) {
                    report.problem("recovery", "checkout with key " + c.key() + " never got a final answer");
                    break;
                }
                // 503 (the checkout is being recovered) and 409 checkout-in-progress mean: not decided yet.
                HttpResponse<String> response = submit(c);
                boolean inProgress =
                        response.statusCode() == 409 && response.body().contains("checkout-in-progress");
                if (!inProgress && answer(c, response)) {
                    break;
                }
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            }
        }
        settled(deadline);
    }

    /**
     * The reconciliation once nothing is in flight and every view it judges by is caught up (a view may
     * fall behind again for a moment while its consumer group settles after a restart, so this asks until
     * one answer has both).
     */
    JsonNode settled(long deadline) throws Exception {
        while (true) {
            JsonNode r = reconciliation();
            if (r.get("movesInFlight").isEmpty() && r.get("notJudged").isEmpty()) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                report.problem(
                        "recovery",
                        "not settled within " + RECOVERY_DEADLINE + ": " + r.get("notJudged") + " moves "
                                + r.get("movesInFlight"));
                return r;
            }
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        }
    }

    JsonNode reconciliation() throws Exception {
        var response = platform.send("GET", "/api/v1/orders/reconciliation?limit=100000", admin, null, Map.of());
        DemoShop.expect(response, 200);
        return EventJson.tree(response.body());
    }

    /** Every check, over every order ever placed. */
    void judge() throws Exception {
        Map<String, JsonNode> orders = allOrders();
        for (var e : acknowledged.entrySet()) {
            JsonNode order = orders.get(e.getKey());
            if (order == null) {
                report.lost++;
                report.problem("lost", "order " + e.getKey() + " was acknowledged " + e.getValue() + " and is gone");
                continue;
            }
            String now = order.get("status").asString();
            for (String said : e.getValue()) {
                if (!reachable(said, now)) {
                    report.lost++;
                    report.problem("lost", "order " + e.getKey() + " was acknowledged " + said + " and is " + now);
                }
            }
        }
        JsonNode r = settled(System.nanoTime() + RECOVERY_DEADLINE.toNanos());
        for (JsonNode f : r.get("findings")) {
            boolean money = f.get("witness").asString().equals("ledger")
                    && f.get("whatToDo").asString().contains("more than once");
            if (money) {
                report.doubleCharges++;
            } else {
                report.invariantBreaks++;
            }
            report.problem(money ? "double charge" : "invariant", f.toString());
        }
        if (!r.get("notJudged").isEmpty()) {
            report.invariantBreaks++;
            report.problem("invariant", "not judged: " + r.get("notJudged"));
        }
        if (!r.get("misownedStock").isEmpty() || !r.get("stockDrift").isEmpty()) {
            report.oversold++;
            report.problem("oversold", "stock drift " + r.get("stockDrift") + " misowned " + r.get("misownedStock"));
        }
        stock(orders);
    }

    /** On-hand and reserved of every SKU, from the orders alone. */
    void stock(Map<String, JsonNode> orders) throws Exception {
        Map<String, Integer> left = new HashMap<>();
        Map<String, Integer> held = new HashMap<>();
        for (JsonNode o : orders.values()) {
            String status = o.get("status").asString();
            boolean picked = Set.of("picking", "packed", "shipped", "delivered", "refunded")
                    .contains(status);
            for (JsonNode line : o.get("lines")) {
                String sku = line.get("sku").asString();
                int q = line.get("quantity").asInt();
                if (picked) {
                    left.merge(sku, q, Integer::sum);
                } else if (status.equals("placed")) {
                    held.merge(sku, q, Integer::sum);
                }
            }
        }
        for (var e : stocked.entrySet()) {
            JsonNode level =
                    EventJson.tree(platform.send("GET", "/api/v1/inventory/" + e.getKey(), merchant, null, Map.of())
                            .body());
            int onHand = level.get("onHand").asInt();
            int reserved = level.get("reserved").asInt();
            int gone = left.getOrDefault(e.getKey(), 0);
            int holding = held.getOrDefault(e.getKey(), 0);
            if (onHand != e.getValue() - gone || reserved != holding || gone + holding > e.getValue()) {
                report.oversold++;
                report.problem(
                        "oversold",
                        e.getKey() + ": stocked " + e.getValue() + ", picked " + gone + ", held by placed orders "
                                + holding + "; inventory says on-hand " + onHand + ", reserved " + reserved);
            }
        }
    }

    Map<String, JsonNode> allOrders() throws Exception {
        Map<String, JsonNode> orders = new HashMap<>();
        String cursor = null;
        Set<String> seen = new HashSet<>();
        do {
            var page = EventJson.tree(platform.send(
                            "GET",
                            "/api/v1/orders?limit=100&merchant=crash-shop"
                                    + (cursor == null ? "" : "&cursor=" + cursor),
                            admin,
                            null,
                            Map.of())
                    .body());
            for (JsonNode o : page.get("items")) {
                orders.put(o.get("id").asString(), o);
            }
            JsonNode next = page.get("next");
            cursor = next == null || next.isNull() ? null : next.asString();
        } while (cursor != null && seen.add(cursor));
        return orders;
    }

    static boolean reachable(String was, String now) {
        return OrderStatus.parse(was).canReach(OrderStatus.parse(now));
    }

    void stopAll() throws Exception {
        if (platform != null) {
            platform.close();
        }
        if (broker != null) {
            broker.kill();
        }
        postmaster().ifPresent(this::killTree);
    }

    /** A Kafka broker in a process of its own, so it can be killed like a real one. */
    static final class Broker {
        final Process process;
        final int port;

        private Broker(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static Broker start(Path folder, int port) throws Exception {
            Files.createDirectories(folder);
            String java = ProcessHandle.current().info().command().orElse("java");
            Process process = new ProcessBuilder(
                            java,
                            "-Xmx512m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            StandaloneBroker.class.getName(),
                            folder.toString(),
                            Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            folder.resolve("broker.log").toFile()))
                    .start();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!Files.readString(folder.resolve("broker.log")).contains("broker ready on")) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker did not start; see " + folder.resolve("broker.log"));
                }
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
            return new Broker(process, port);
        }

        String bootstrapServers() {
            return "127.0.0.1:" + port;
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
