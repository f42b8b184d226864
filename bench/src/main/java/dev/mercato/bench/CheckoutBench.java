package dev.mercato.bench;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.EmbeddedPostgres;
import dev.mercato.plane.postgres.EmbeddedPostgresSettings;
import dev.mercato.plane.postgres.PostgresStores;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * Checkout end to end over HTTP against the packaged platform in its own JVM (embedded stores, as
 * {@code ./mercato run} starts it), then, in the same run, the raw PostgreSQL ceiling of the equivalent
 * transaction (conditional stock update, order insert, outbox insert) measured the same way, and the
 * ratio of the two.
 *
 * <p>Carts are prepared before each phase and not timed; only {@code POST /api/v1/orders} is. Two
 * phases each: closed loop with {@code clients} concurrent clients (the most orders/s), then open loop at
 * a fixed rate, with latency measured from when each request was due (no coordinated omission).
 *
 * <p>Run (after {@code ./mercato build}): {@code ./mvnw -q -pl bench exec:java
 * -Dexec.mainClass=dev.mercato.bench.CheckoutBench -Dexec.args="app/target/mercato.jar 20 64 500"}
 * (jar, seconds per phase, closed-loop clients, open-loop orders/s). A fifth argument {@code overload-only}
 * runs only the overload phase, at the fourth argument's rate.
 *
 * <p>{@code bench/checkout-wrk} asks the same question (closed loop only) with clients the team did not
 * write, wrk and pgbench, on carts that {@link PreparedCarts} prepares with this class's platform and shopper.
 */
public final class CheckoutBench {

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "app/target/mercato.jar").toAbsolutePath();
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        System.out.printf(
                Locale.ROOT,
                "%d cores, java %s, %d s per phase, %d clients closed loop, %d orders/s open loop%n",
                Runtime.getRuntime().availableProcessors(),
                Runtime.version(),
                seconds,
                clients,
                rate);
        if (args.length > 4 && args[4].equals("overload-only")) {
            overloadOnly(jar, seconds, clients, rate);
            return;
        }
        Result checkout;
        Result checkoutAtRate;
        try (Platform platform = Platform.start(jar)) {
            Shopper shopper = warmedUp(platform, seconds, clients);
            // Views running, then paused, twice over (A B A B): the JIT is still compiling after the warm-up
            // (JFR: 10 s of C2 time in the first running phase against 4.7 s in the paused one after it), so a
            // single pair favours whichever phase runs second. The ratio is reported per pair and over both.
            Result[] running = new Result[2];
            Result[] paused = new Result[2];
            for (int pair = 0; pair < 2; pair++) {
                String round = pair == 0 ? "" : " (again)";
                running[pair] = viewsRunning(platform, shopper, seconds, clients, round);
                paused[pair] = viewsPaused(platform, shopper, seconds, clients, round);
            }
            checkout = running[1];
            System.out.printf(
                    Locale.ROOT,
                    "views running vs paused: %.0f%% over both pairs (%.0f vs %.0f orders/s); per pair %.0f%% and"
                            + " %.0f%%%n",
                    100
                            * (running[0].perSecond() + running[1].perSecond())
                            / (paused[0].perSecond() + paused[1].perSecond()),
                    (running[0].perSecond() + running[1].perSecond()) / 2,
                    (paused[0].perSecond() + paused[1].perSecond()) / 2,
                    100 * running[0].perSecond() / paused[0].perSecond(),
                    100 * running[1].perSecond() / paused[1].perSecond());
            shopper.prepare(rate * seconds + 3 * rate);
            platform.awaitQuiet();
            checkoutAtRate = openLoop("checkout over HTTP", seconds, rate, () -> shopper.checkout());
            if (!shopper.refusals.isEmpty()) {
                System.out.println("checkouts not placed, by answer: " + shopper.refusals);
            }
            // Offered three times what the closed loops placed with every view running: the excess must be
            // refused at once, and what is accepted must keep its latency.
            int capacity = (int) Math.round((running[0].perSecond() + running[1].perSecond()) / 2);
            if (capacity > 0) {
                // Refused carts go back to the queue, so 1.5 times what can be placed is enough.
                shopper.prepare(1_000 + capacity * 3 * (seconds + 2) / 2);
                platform.awaitQuiet();
                overload(shopper, seconds, 3 * capacity);
            }
            // Overload must lose nothing: once recovery has finished what was cut short, stock reconciles.
            platform.awaitQuiet();
            var reconciliation =
                    platform.send("GET", "/api/v1/inventory/reconciliation", shopper.admin, null, Map.of());
            System.out.println("after the run, inventory reconciliation: " + reconciliation.body());
            System.out.println(
                    "combined writes over the run, items in batches (mean): " + platform.batchSizes(shopper.admin));
        }
        Result ceiling;
        Result ceilingAtRate;
        try (RawPostgres pg = RawPostgres.start(clients)) {
            ceiling = closedLoop("raw PostgreSQL transaction", seconds, clients, pg::order);
            ceilingAtRate = openLoop("raw PostgreSQL transaction", seconds, rate, pg::order);
        }
        System.out.printf(
                Locale.ROOT,
                "%nRATIO checkout / raw PostgreSQL: %.2f (%.0f vs %.0f per second, closed loop, %d clients)%n",
                checkout.perSecond() / ceiling.perSecond(),
                checkout.perSecond(),
                ceiling.perSecond(),
                clients);
        System.out.printf(
                Locale.ROOT,
                "p99 at %d/s: checkout %.1f ms, raw PostgreSQL %.1f ms%n",
                rate,
                checkoutAtRate.latencies().getValueAtPercentile(99) / 1000.0,
                ceilingAtRate.latencies().getValueAtPercentile(99) / 1000.0);
    }

    /**
     * CPU spent per order placed between start and report: the platform's JVM (checkout, relays, views,
     * the broker) and the whole machine (adds PostgreSQL's processes and this client).
     */
    record Cpu(Platform platform, Shopper shopper, long jvm, long postgres, long machine, long placed) {
        static Cpu start(Platform platform, Shopper shopper) throws IOException {
            return new Cpu(
                    platform,
                    shopper,
                    platform.cpuTicks(),
                    platform.postgresTicks(),
                    machineTicks(),
                    shopper.placed.get());
        }

        void report(String what) throws IOException {
            long orders = Math.max(1, shopper.placed.get() - placed);
            // Ticks are USER_HZ, 100 a second on Linux: 10 ms each.
            System.out.printf(
                    Locale.ROOT,
                    "CPU per order, %s: platform JVM %.2f ms, its PostgreSQL %.2f ms, whole machine %.2f ms (%d"
                            + " orders)%n",
                    what,
                    (platform.cpuTicks() - jvm) * 10.0 / orders,
                    (platform.postgresTicks() - postgres) * 10.0 / orders,
                    (machineTicks() - machine) * 10.0 / orders,
                    orders);
        }

        /** Busy ticks of every core (user, nice, system, irq, softirq, steal) from /proc/stat. */
        static long machineTicks() throws IOException {
            String[] f =
                    Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            return Long.parseLong(f[1])
                    + Long.parseLong(f[2])
                    + Long.parseLong(f[3])
                    + Long.parseLong(f[6])
                    + Long.parseLong(f[7])
                    + Long.parseLong(f[8]);
        }
    }

    /** A JSON request to the platform, with a bearer token when one is given. */
    static HttpRequest.Builder request(String url, String method, String token, String body) {
        var request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    /** One operation; answers whether it succeeded (placed an order). */
    interface Operation {
        boolean run() throws Exception;

        /** What a client does after a failed run before its next, untimed: honour a Retry-After. */
        default void afterFailure() {}
    }

    record Result(double perSecond, Histogram latencies, long failed) {}

    /** A closed loop with every view running; then how far behind the views were and their catching up. */
    static Result viewsRunning(Platform platform, Shopper shopper, int seconds, int clients, String round)
            throws Exception {
        shopper.prepare(1_000 + 400 * seconds);
        platform.awaitQuiet();
        Cpu cpu = Cpu.start(platform, shopper);
        Result result = closedLoop("checkout over HTTP" + round, seconds, clients, shopper);
        long peakEnded = System.nanoTime();
        long behind = platform.eventsBehind(shopper.admin);
        platform.awaitViewsCaughtUp(shopper.admin);
        System.out.printf(
                Locale.ROOT,
                "views at the end of the peak: %d events behind (all views), caught up %.1f s later%n",
                behind,
                (System.nanoTime() - peakEnded) / 1e9);
        cpu.report("checkout with every view running, until the views caught up");
        return result;
    }

    /**
     * The same load with every derived view paused: what the views cost the write path. Then how long the
     * views take to catch up with the peak they missed.
     */
    static Result viewsPaused(Platform platform, Shopper shopper, int seconds, int clients, String round)
            throws Exception {
        shopper.prepare(1_000 + 400 * seconds);
        platform.awaitQuiet();
        List<String> views = platform.views(shopper.admin);
        platform.setViews(shopper.admin, views, "pause");
        Cpu cpu = Cpu.start(platform, shopper);
        Result result = closedLoop("checkout over HTTP, views paused" + round, seconds, clients, shopper);
        long resumed = System.nanoTime();
        platform.setViews(shopper.admin, views, "resume");
        platform.awaitViewsCaughtUp(shopper.admin);
        cpu.report("checkout with the views paused, then their catching up");
        System.out.printf(
                Locale.ROOT,
                "%d views caught up %.1f s after resuming%n",
                views.size(),
                (System.nanoTime() - resumed) / 1e9);
        return result;
    }

    static Result closedLoop(String name, int seconds, int clients, Operation op) throws Exception {
        System.out.println(name + ", closed loop, from " + java.time.Instant.now());
        Latencies latencies = new Latencies();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long warmupEnd = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        long end = warmupEnd + Duration.ofSeconds(seconds).toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        long began = System.nanoTime();
                        boolean ok = op.run();
                        if (began >= warmupEnd) {
                            latencies.record(System.nanoTime() - began);
                            (ok ? done : failed).incrementAndGet();
                        }
                        if (!ok) {
                            op.afterFailure();
                        }
                    }
                    return null;
                });
            }
        }
        Histogram h = latencies.take();
        double perSecond = done.get() / (double) seconds;
        System.out.printf(
                Locale.ROOT,
                "%s, closed loop, %d clients: %.0f/s, %s, %d failed%n",
                name,
                clients,
                perSecond,
                Latencies.describe(h),
                failed.get());
        return new Result(perSecond, h, failed.get());
    }

    static Result openLoop(String name, int seconds, int rate, Operation op) throws Exception {
        System.out.println(name + ", open loop, from " + java.time.Instant.now());
        Latencies latencies = new Latencies();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        paced(seconds, rate, (due, measured) -> {
            boolean ok = op.run();
            if (measured) {
                // From when it was due, not when it was sent: a stalled server shows.
                latencies.record(System.nanoTime() - due);
                (ok ? done : failed).incrementAndGet();
            }
        });
        Histogram h = latencies.take();
        System.out.printf(
                Locale.ROOT, "%s, open loop at %d/s: %s, %d failed%n", name, rate, Latencies.describe(h), failed.get());
        return new Result(done.get() / (double) seconds, h, failed.get());
    }

    interface Paced {
        /** One request, due at {@code due} (nanoTime); {@code measured} false during the first two seconds. */
        void run(long due, boolean measured) throws Exception;
    }

    /** Starts {@code rate} requests a second for two seconds of warm-up and then {@code seconds}, each on time. */
    static void paced(int seconds, int rate, Paced request) {
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        long warmup = rate * 2L;
        long total = (long) rate * seconds + warmup;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < total; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                boolean measured = i >= warmup;
                pool.submit(() -> {
                    request.run(due, measured);
                    return null;
                });
            }
        }
    }

    /**
     * A shopper with stock, after a warm-up that is not reported, as long as a phase: the JIT compiles
     * checkout's path and the views' live and catching-up paths here, not in whichever phase runs first. With
     * no warm-up the first phase spent a fifth of the machine in the compiler; after half a phase of warm-up
     * still 10 s of C2 time more than the second (JFR jdk.Compilation), about 3.5 ms of CPU per order.
     */
    static Shopper warmedUp(Platform platform, int seconds, int clients) throws Exception {
        Shopper shopper = new Shopper(platform);
        shopper.restock();
        int warmUp = Math.max(5, seconds);
        shopper.prepare(1_000 + 300 * warmUp);
        platform.awaitQuiet();
        closedLoop("warm-up (not compared)", warmUp, clients, shopper);
        platform.awaitViewsCaughtUp(shopper.admin);
        return shopper;
    }

    /**
     * Only the overload phase, offered {@code rate} orders/s (an absolute rate, so two builds can be offered the
     * same load), after the same warm-up as the full run: {@code ... 20 32 450 overload-only}.
     */
    static void overloadOnly(Path jar, int seconds, int clients, int rate) throws Exception {
        try (Platform platform = Platform.start(jar)) {
            Shopper shopper = warmedUp(platform, seconds, clients);
            shopper.prepare(1_000 + rate * (seconds + 2) / 2);
            platform.awaitQuiet();
            overload(shopper, seconds, rate);
            platform.awaitQuiet();
            System.out.println("after the run, inventory reconciliation: "
                    + platform.send("GET", "/api/v1/inventory/reconciliation", shopper.admin, null, Map.of())
                            .body());
            System.out.println(
                    "combined writes over the run, items in batches (mean): " + platform.batchSizes(shopper.admin));
        }
    }

    /**
     * Open loop at {@code rate} (three times capacity), latencies from when each request was due, kept apart by
     * answer: placed (201), shed at the door (503 {@code checkout-overloaded}), anything else.
     */
    static void overload(Shopper shopper, int seconds, int rate) throws Exception {
        System.out.println(
                "checkout offered 3x capacity, open loop at " + rate + "/s, from " + java.time.Instant.now());
        Map<Shopper.Answer, Latencies> byAnswer = new java.util.EnumMap<>(Shopper.Answer.class);
        for (Shopper.Answer a : Shopper.Answer.values()) {
            byAnswer.put(a, new Latencies());
        }
        Map<String, Long> before = new java.util.HashMap<>();
        shopper.refusals.forEach((type, n) -> before.put(type, n.get()));
        paced(seconds, rate, (due, measured) -> {
            Shopper.Answer answer = shopper.attempt();
            if (measured) {
                byAnswer.get(answer).record(System.nanoTime() - due);
            }
        });
        for (Shopper.Answer a : Shopper.Answer.values()) {
            Histogram h = byAnswer.get(a).take();
            System.out.printf(
                    Locale.ROOT,
                    "offered 3x (%d/s), %s: %.0f/s, %s%n",
                    rate,
                    a.name().toLowerCase(Locale.ROOT),
                    h.getTotalCount() / (double) seconds,
                    Latencies.describe(h));
        }
        Map<String, Long> during = new java.util.TreeMap<>();
        shopper.refusals.forEach((type, n) -> {
            long since = n.get() - before.getOrDefault(type, 0L);
            if (since > 0) {
                during.put(type, since);
            }
        });
        System.out.println("offered 3x, answers other than 201 (warm-up included): " + during);
    }

    /** The packaged platform in its own JVM on a fresh data folder. */
    static final class Platform implements AutoCloseable {
        final Process process;
        final String base;
        final Path data;
        final HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();

        private Platform(Process process, String base, Path data) {
            this.process = process;
            this.base = base;
            this.data = data;
        }

        static Platform start(Path jar) throws Exception {
            return start(jar, List.of());
        }

        /** Starts the jar with {@code settings} added to the command line (after the bench's own). */
        static Platform start(Path jar, List<String> settings) throws Exception {
            return start(jar, settings, Files.createTempDirectory("mercato-checkout-bench"), freePort());
        }

        static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            }
        }

        /**
         * Starts the jar on the data folder {@code data} (kept: a later start on it is a restart) and {@code
         * port}; its output goes to {@code platform.log} there, appended.
         */
        static Platform start(Path jar, List<String> settings, Path data, int port) throws Exception {
            Files.createDirectories(data);
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java, "-Xms512m", "-Xmx1g"));
            // e.g. MERCATO_BENCH_JVM_OPTS=-XX:StartFlightRecording=filename=/tmp/checkout.jfr to profile the server
            String extra = System.getenv().getOrDefault("MERCATO_BENCH_JVM_OPTS", "");
            if (!extra.isBlank()) {
                command.addAll(List.of(extra.trim().split("\\s+")));
            }
            command.addAll(List.of(
                    "-jar",
                    jar.toString(),
                    "--mercato.data-dir=" + data,
                    "--server.port=" + port,
                    "--logging.level.root=WARN",
                    "--logging.level.dev.mercato=WARN"));
            command.addAll(settings);
            // e.g. MERCATO_BENCH_ARGS=--mercato.postgres.pool-size=24 to try a setting
            String fromEnvironment = System.getenv().getOrDefault("MERCATO_BENCH_ARGS", "");
            if (!fromEnvironment.isBlank()) {
                command.addAll(List.of(fromEnvironment.trim().split("\\s+")));
            }
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            data.resolve("platform.log").toFile()))
                    .start();
            Platform platform = new Platform(process, "http://127.0.0.1:" + port, data);
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("platform exited; see " + data.resolve("platform.log"));
                }
                try {
                    if (platform.send("GET", "/actuator/health", null, null, Map.of())
                                    .statusCode()
                            == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not healthy within 5 minutes; see " + data);
                }
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            }
            System.out.println("platform healthy at " + platform.base + ", data in " + data);
            return platform;
        }

        /**
         * Waits until the platform's JVM has used under 10 % of a core over a second: the cart events and
         * view updates of preparing carts are drained, so the measured phase measures checkout alone.
         */
        void awaitQuiet() throws Exception {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            long ticksPerSecond = 100; // USER_HZ on Linux
            long before = cpuTicks();
            while (System.nanoTime() < deadline) {
                LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
                long now = cpuTicks();
                if (now - before < ticksPerSecond / 10) {
                    return;
                }
                before = now;
            }
            System.out.println("platform never went quiet; measuring anyway");
        }

        long cpuTicks() throws IOException {
            String[] stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"))
                    .substring(Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"))
                                    .lastIndexOf(')')
                            + 2)
                    .split(" ");
            // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted after the command name.
            return Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
        }

        /** The embedded PostgreSQL's {@code postmaster.pid} (pid first, port fourth), if it runs one. */
        Optional<Path> postmasterPid() throws IOException {
            try (var files = Files.walk(data, 4)) {
                return files.filter(f -> f.getFileName().toString().equals("postmaster.pid"))
                        .findFirst();
            }
        }

        /**
         * CPU ticks of the platform's embedded PostgreSQL: its postmaster (found by the {@code postmaster.pid}
         * in the data folder; it is not the JVM's child, pg_ctl detaches it), with the backends that exited,
         * and every live backend and helper it started. 0 when the platform runs no embedded server.
         */
        long postgresTicks() throws IOException {
            Optional<Path> pidFile = postmasterPid();
            if (pidFile.isEmpty()) {
                return 0;
            }
            long postmaster =
                    Long.parseLong(Files.readAllLines(pidFile.get()).getFirst().trim());
            long ticks = 0;
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path dir : procs.toList()) {
                    String name = dir.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    String stat;
                    try {
                        stat = Files.readString(dir.resolve("stat"));
                    } catch (IOException gone) {
                        continue;
                    }
                    // Fields after the command name: ppid is the 2nd, utime..cstime the 12th to 15th.
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(name);
                    if (pid == postmaster) {
                        ticks += Long.parseLong(f[11])
                                + Long.parseLong(f[12])
                                + Long.parseLong(f[13])
                                + Long.parseLong(f[14]);
                    } else if (Long.parseLong(f[1]) == postmaster) {
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                }
            }
            return ticks;
        }

        HttpResponse<String> send(String method, String path, String token, String body, Map<String, String> headers)
                throws Exception {
            var request = request(base + path, method, token, body);
            headers.forEach(request::header);
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        /** Each combined write's items, batches and mean batch size since start, from the platform's metrics. */
        String batchSizes(String admin) throws Exception {
            Map<String, double[]> steps = new java.util.TreeMap<>();
            for (String line : send("GET", "/actuator/prometheus", admin, null, Map.of())
                    .body()
                    .split("\n")) {
                var m = java.util.regex.Pattern.compile(
                                "^mercato_write_(batches|batched)_total\\{.*step=\"([^\"]+)\".*\\} ([0-9.eE+]+)$")
                        .matcher(line);
                if (m.matches()) {
                    steps.computeIfAbsent(m.group(2), k -> new double[2])[
                                    m.group(1).equals("batched") ? 0 : 1] =
                            Double.parseDouble(m.group(3));
                }
            }
            StringBuilder out = new StringBuilder();
            steps.forEach((step, v) -> out.append(String.format(
                    Locale.ROOT, "%s %.0f in %.0f (%.2f); ", step, v[0], v[1], v[1] == 0 ? 0 : v[0] / v[1])));
            return out.isEmpty() ? "none reported" : out.toString();
        }

        /** The names of the derived views this platform runs. */
        List<String> views(String admin) throws Exception {
            List<String> names = new ArrayList<>();
            EventJson.tree(send("GET", "/api/v1/plane/views", admin, null, Map.of())
                            .body())
                    .get("items")
                    .forEach(v -> {
                        if (!names.contains(v.get("view").asString())) {
                            names.add(v.get("view").asString());
                        }
                    });
            return names;
        }

        /** Pauses or resumes ({@code action}) each of {@code views}. */
        void setViews(String admin, List<String> views, String action) throws Exception {
            for (String view : views) {
                var answer = send("POST", "/api/v1/plane/views/" + view + "/" + action, admin, null, Map.of());
                if (answer.statusCode() != 200) {
                    throw new IllegalStateException(action + " " + view + ": " + answer.body());
                }
            }
        }

        /** Events the active views have still to apply, summed over views. */
        long eventsBehind(String admin) throws Exception {
            long behind = 0;
            for (JsonNode v : EventJson.tree(send("GET", "/api/v1/plane/views", admin, null, Map.of())
                            .body())
                    .get("items")) {
                if (v.get("active").asBoolean()) {
                    behind += Math.max(0, v.get("lagEvents").asLong());
                }
            }
            return behind;
        }

        /** Waits until every active view is resumed with no events left to apply. */
        void awaitViewsCaughtUp(String admin) throws Exception {
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (System.nanoTime() < deadline) {
                boolean caughtUp = true;
                for (JsonNode v : EventJson.tree(send("GET", "/api/v1/plane/views", admin, null, Map.of())
                                .body())
                        .get("items")) {
                    // A view subscribed to topics nobody has written yet holds no partitions and no lag.
                    if (v.get("active").asBoolean()
                            && ("paused".equals(v.get("state").asString())
                                    || v.get("lagEvents").asLong() > 0)) {
                        caughtUp = false;
                    }
                }
                if (caughtUp) {
                    return;
                }
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
            throw new IllegalStateException("views did not catch up within 10 minutes");
        }

        String token(String role, String subject, String merchant) throws Exception {
            var response = send(
                    "POST",
                    "/api/v1/dev/tokens",
                    null,
                    "{\"role\":\"" + role + "\",\"subject\":\"" + subject + "\""
                            + (merchant == null ? "" : ",\"merchant\":\"" + merchant + "\"") + "}",
                    Map.of());
            return EventJson.tree(response.body()).get("token").asString();
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Customers with prepared carts of the sample catalog, each checked out once. */
    static final class Shopper implements Operation {
        final Platform platform;
        final String admin;
        final List<String> customers = new ArrayList<>();
        final List<String> skus = new ArrayList<>();
        final ConcurrentLinkedQueue<String[]> carts = new ConcurrentLinkedQueue<>();
        final Random random = new Random(20261201L);

        Shopper(Platform platform) throws Exception {
            this.platform = platform;
            this.admin = platform.token("admin", "bench", null);
            for (int i = 0; i < 256; i++) {
                customers.add(platform.token("customer", "bench-" + i, null));
            }
            String cursor = null;
            do {
                var page = platform.send(
                        "GET",
                        "/api/v1/products?limit=200" + (cursor == null ? "" : "&cursor=" + cursor),
                        null,
                        null,
                        Map.of());
                JsonNode json = EventJson.tree(page.body());
                json.get("items").forEach(p -> skus.add(p.get("sku").asString()));
                cursor = json.get("next") == null || json.get("next").isNull()
                        ? null
                        : json.get("next").asString();
            } while (cursor != null);
        }

        /** Enough stock that the bench measures checkout, not sold-out refusals; every SKU, checked. */
        void restock() throws Exception {
            AtomicInteger failed = new AtomicInteger();
            try (ExecutorService pool =
                    Executors.newFixedThreadPool(8, Thread.ofVirtual().factory())) {
                for (String sku : skus) {
                    pool.submit(() -> {
                        for (int attempt = 0; attempt < 5; attempt++) {
                            if (platform.send(
                                                    "PUT",
                                                    "/api/v1/inventory/" + sku,
                                                    admin,
                                                    "{\"onHand\":10000000}",
                                                    Map.of())
                                            .statusCode()
                                    == 200) {
                                return null;
                            }
                        }
                        failed.incrementAndGet();
                        return null;
                    });
                }
            }
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " SKUs could not be restocked");
            }
        }

        /** Carts with one or two SKUs of one category (so one merchant), made by 32 clients at once. */
        void prepare(int count) throws Exception {
            long began = System.nanoTime();
            AtomicInteger made = new AtomicInteger();
            try (ExecutorService pool =
                    Executors.newFixedThreadPool(32, Thread.ofVirtual().factory())) {
                for (int i = 0; i < count; i++) {
                    int n;
                    String first;
                    String second;
                    synchronized (random) {
                        n = random.nextInt(customers.size());
                        int at = random.nextInt(skus.size() - 1);
                        first = skus.get(at);
                        second = random.nextBoolean() ? skus.get(at + 1) : null;
                    }
                    pool.submit(() -> {
                        String token = customers.get(n);
                        var cart = platform.send("POST", "/api/v1/carts", token, "{}", Map.of());
                        String id = EventJson.tree(cart.body()).get("id").asString();
                        platform.send(
                                "PUT", "/api/v1/carts/" + id + "/items/" + first, token, "{\"quantity\":1}", Map.of());
                        if (second != null) {
                            // A neighbour in SKU order is usually the same merchant; a refusal keeps one line.
                            platform.send(
                                    "PUT",
                                    "/api/v1/carts/" + id + "/items/" + second,
                                    token,
                                    "{\"quantity\":2}",
                                    Map.of());
                        }
                        carts.add(new String[] {token, id});
                        made.incrementAndGet();
                        return null;
                    });
                }
            }
            System.out.printf(
                    Locale.ROOT, "prepared %d carts in %.1f s%n", made.get(), (System.nanoTime() - began) / 1e9);
        }

        final java.util.concurrent.ConcurrentHashMap<String, AtomicLong> refusals =
                new java.util.concurrent.ConcurrentHashMap<>();

        // A client refused at the door waits as long as the answer's Retry-After says before its next try.
        private final ThreadLocal<Long> retryAfter = ThreadLocal.withInitial(() -> 0L);

        @Override
        public boolean run() throws Exception {
            return checkout();
        }

        @Override
        public void afterFailure() {
            long seconds = retryAfter.get();
            retryAfter.set(0L);
            if (seconds > 0) {
                LockSupport.parkNanos(Duration.ofSeconds(seconds).toNanos());
            }
        }

        enum Answer {
            PLACED,
            SHED,
            OTHER
        }

        boolean checkout() throws Exception {
            return attempt() == Answer.PLACED;
        }

        /** One checkout of a prepared cart: placed, shed at the door (its cart goes back), or another answer. */
        Answer attempt() throws Exception {
            String[] cart = carts.poll();
            if (cart == null) {
                throw new IllegalStateException("ran out of prepared carts; prepare more");
            }
            var response = platform.send(
                    "POST",
                    "/api/v1/orders",
                    cart[0],
                    "{\"cartId\":\"" + cart[1] + "\"}",
                    Map.of("Idempotency-Key", UUID.randomUUID().toString()));
            if (response.statusCode() != 201) {
                String type = response.statusCode() + " "
                        + (response.body().contains("\"type\"")
                                ? EventJson.tree(response.body()).path("type").asString()
                                : "");
                refusals.computeIfAbsent(type, t -> new AtomicLong()).incrementAndGet();
                if (type.endsWith("/checkout-overloaded")) {
                    // Refused at the door, nothing recorded: the cart is still open for another try.
                    carts.add(cart);
                    retryAfter.set(
                            response.headers().firstValueAsLong("Retry-After").orElse(1));
                }
            }
            if (response.statusCode() == 201) {
                placed.incrementAndGet();
                return Answer.PLACED;
            }
            return response.statusCode() == 503 && refusedAtDoor(response.body()) ? Answer.SHED : Answer.OTHER;
        }

        private static boolean refusedAtDoor(String body) {
            return body.contains("\"type\"")
                    && EventJson.tree(body).path("type").asString().endsWith("/checkout-overloaded");
        }

        final AtomicLong placed = new AtomicLong();
    }

    /**
     * The same durable embedded PostgreSQL, one transaction per order doing what checkout's writes boil
     * down to: a conditional stock update, an order row, an outbox row. No HTTP, no saga, no other
     * capabilities: the ceiling checkout's cost is measured against.
     */
    static final class RawPostgres implements AutoCloseable {
        static final EventType PLACED = EventType.of("ceiling", "order-placed", 1);
        final EmbeddedPostgres postgres;
        final PostgresStores stores;
        final CapabilityStore store;
        final Outbox outbox;
        final AtomicLong next = new AtomicLong();

        private RawPostgres(EmbeddedPostgres postgres, PostgresStores stores) {
            this.postgres = postgres;
            this.stores = stores;
            this.store = stores.open("ceiling");
            stores.migrate(store, "classpath:db/plane/outbox", "plane_outbox_history");
            this.outbox = new Outbox(store, Clock.systemUTC());
            store.jdbc()
                    .sql("CREATE TABLE IF NOT EXISTS stock (sku int PRIMARY KEY, on_hand int NOT NULL,"
                            + " reserved int NOT NULL DEFAULT 0, CHECK (reserved <= on_hand))")
                    .update();
            store.jdbc()
                    .sql("CREATE TABLE IF NOT EXISTS orders (id text PRIMARY KEY, sku int NOT NULL,"
                            + " total numeric(14, 4) NOT NULL, placed_at timestamptz NOT NULL DEFAULT now())")
                    .update();
            store.jdbc()
                    .sql("INSERT INTO stock SELECT g, 10000000 FROM generate_series(1, 1200) g ON CONFLICT DO NOTHING")
                    .update();
        }

        static RawPostgres start(int clients) throws IOException {
            Path folder = Files.createTempDirectory("mercato-ceiling-bench");
            EmbeddedPostgres pg = EmbeddedPostgres.start(EmbeddedPostgresSettings.of(folder.resolve("pg")));
            PostgresStores stores = new PostgresStores(
                    pg,
                    "ceiling",
                    "bench-role-secret-0123456789",
                    new PostgresStores.PoolSettings(Math.min(clients, 64), Duration.ofSeconds(30)));
            return new RawPostgres(pg, stores);
        }

        boolean order() {
            long n = next.incrementAndGet();
            int sku = 1 + (int) (n * 7919 % 1200);
            String id = "o-" + n;
            return Boolean.TRUE.equals(store.transactions().execute(status -> {
                int updated = store.jdbc()
                        .sql("UPDATE stock SET reserved = reserved + 1 WHERE sku = ? AND on_hand - reserved >= 1")
                        .param(sku)
                        .update();
                if (updated == 0) {
                    return false;
                }
                store.jdbc()
                        .sql("INSERT INTO orders (id, sku, total) VALUES (?, ?, 19.90)")
                        .params(id, sku)
                        .update();
                outbox.append(PLACED, MerchantId.of("bench"), id, Map.of("orderId", id, "sku", sku));
                return true;
            }));
        }

        @Override
        public void close() {
            stores.close();
            postgres.close();
        }
    }

    private CheckoutBench() {}
}
