package dev.mercato.bench;

import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.Topics;
import dev.mercato.plane.kafka.DurabilitySettings;
import dev.mercato.plane.kafka.LogTopics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Restart to consuming: how long after a restart on an existing data folder every derived view holds its
 * partitions and has caught up, and how long until a product written right after the ready banner is
 * searchable. Measured after a normal stop (SIGTERM) and after SIGKILL of the JVM and of the PostgreSQL
 * server it started (a power cut). Times count from the process start; the banner's time is printed
 * beside them.
 *
 * <p>Run (after {@code ./mvnw -q -B -DskipTests -pl app,bench -am package dependency:build-classpath
 * -Dmdep.outputFile=target/classpath.txt}): {@code java -cp "bench/target/classes:$(cat
 * bench/target/classpath.txt)" dev.mercato.bench.RestartBench app/target/mercato.jar 2}
 */
public final class RestartBench {

    private static final Duration BOOT = Duration.ofMinutes(5);
    private static final List<String> TOPICS = Stream.of(
                    "catalog", "inventory", "cart", "orders", "payments", "customers", "fulfillment")
            .map(Topics::of)
            .toList();

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "app/target/mercato.jar").toAbsolutePath();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        System.out.printf(
                "jar %s, java %s, %d cores%n",
                jar, Runtime.version(), Runtime.getRuntime().availableProcessors());
        for (int run = 1; run <= runs; run++) {
            Path data = Files.createTempDirectory("mercato-restart-bench");
            try (Started first = Started.on(jar, data, "first")) {
                first.awaitBanner();
                // Every capability's topic, as a platform that has taken orders has them: a view on a topic
                // nobody has published to yet would otherwise never hold a partition, before the change.
                LogTopics.ensure(first.kafka(), TOPICS, 8, DurabilitySettings.EMBEDDED);
                first.awaitConsuming();
                first.stop();
            }
            Measured clean;
            try (Started second = Started.on(jar, data, "after-stop")) {
                clean = second.measure();
                second.kill();
            }
            Measured killed;
            try (Started third = Started.on(jar, data, "after-kill")) {
                killed = third.measure();
                third.stop();
            }
            System.out.printf(Locale.ROOT, "run %d, after a normal stop: %s%n", run, clean);
            System.out.printf(Locale.ROOT, "run %d, after SIGKILL:       %s%n", run, killed);
        }
    }

    record Measured(double banner, double consuming, double searchable) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "ready banner %.1f s, every view consuming %.1f s (banner %+.1f s), a product written at"
                            + " the banner searchable %.1f s after it",
                    banner,
                    consuming,
                    consuming - banner,
                    searchable);
        }
    }

    static final class Started implements AutoCloseable {
        final Process process;
        final Path data;
        final int port;
        final int kafkaPort;
        final long began = System.nanoTime();
        final List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();
        final HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        volatile long bannerAt;
        String admin;

        private Started(Process process, Path data, int port, int kafkaPort, String name) throws IOException {
            this.process = process;
            this.data = data;
            this.port = port;
            this.kafkaPort = kafkaPort;
            PrintWriter log =
                    new PrintWriter(Files.newBufferedWriter(data.resolve(name + ".log"), StandardCharsets.UTF_8), true);
            Thread.ofVirtual().start(() -> {
                try (var reader =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        if (bannerAt == 0 && line.contains("Mercato is up")) {
                            bannerAt = System.nanoTime();
                        }
                        output.add(line);
                        log.println(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                } finally {
                    log.close();
                }
            });
        }

        static Started on(Path jar, Path data, String name) throws IOException {
            int port = freePort();
            int kafkaPort = freePort();
            String java = ProcessHandle.current().info().command().orElse("java");
            Process process = new ProcessBuilder(
                            java,
                            "-Xms256m",
                            "-Xmx1g",
                            "-jar",
                            jar.toString(),
                            "--mercato.data-dir=" + data,
                            "--server.port=" + port,
                            "--mercato.kafka.port=" + kafkaPort)
                    .redirectErrorStream(true)
                    .start();
            return new Started(process, data, port, kafkaPort, name);
        }

        static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            }
        }

        String kafka() {
            return "127.0.0.1:" + kafkaPort;
        }

        /**
         * Polls from the process start: the views until every one is consuming, and, once the banner is out, a
         * product written at that moment until search finds it.
         */
        Measured measure() throws Exception {
            long deadline = began + BOOT.toNanos();
            long consumingAt = 0;
            long searchableAt = 0;
            String word = null;
            while (consumingAt == 0 || searchableAt == 0) {
                alive();
                deadlineCheck(deadline, "every view consuming and the new product searchable");
                try {
                    if (consumingAt == 0) {
                        var views = send("GET", "/api/v1/plane/views", admin(), null);
                        if (views.statusCode() == 200 && consuming(EventJson.tree(views.body()))) {
                            consumingAt = System.nanoTime();
                        }
                    }
                    if (word == null && bannerAt != 0) {
                        word = write();
                    }
                    if (word != null && searchableAt == 0) {
                        var found = send("GET", "/api/v1/search?q=" + word, null, null);
                        if (found.statusCode() == 200
                                && EventJson.tree(found.body()).get("total").asLong() > 0) {
                            searchableAt = System.nanoTime();
                        }
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
            return new Measured((bannerAt - began) / 1e9, (consumingAt - began) / 1e9, (searchableAt - bannerAt) / 1e9);
        }

        private String write() throws Exception {
            String word = "zq" + Long.toString(System.nanoTime(), 36);
            var created = send(
                    "POST",
                    "/api/v1/products",
                    admin(),
                    "{\"sku\":\"RESTART-" + word.toUpperCase(Locale.ROOT) + "\",\"title\":\"" + word
                            + " Lantern\",\"category\":\"outdoor/bench\",\"merchant\":\"casa-bella\","
                            + "\"price\":{\"amount\":\"9.00\",\"currency\":\"EUR\"}}");
            if (created.statusCode() / 100 != 2) {
                throw new IllegalStateException("product not written: " + created.body());
            }
            return word;
        }

        double awaitBanner() {
            long deadline = began + BOOT.toNanos();
            while (bannerAt == 0) {
                alive();
                deadlineCheck(deadline, "the ready banner");
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
            return (bannerAt - began) / 1e9;
        }

        /**
         * Seconds from the process start until every active view lists partitions, none of them still
         * waiting for its first log end, each applied up to the log end read at its start.
         */
        double awaitConsuming() throws Exception {
            long deadline = began + BOOT.toNanos();
            while (true) {
                alive();
                deadlineCheck(deadline, "every view consuming");
                try {
                    var views = send("GET", "/api/v1/plane/views", admin(), null);
                    if (views.statusCode() == 200 && consuming(EventJson.tree(views.body()))) {
                        return (System.nanoTime() - began) / 1e9;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
        }

        static boolean consuming(JsonNode views) {
            boolean any = false;
            for (JsonNode view : views.get("items")) {
                if (!view.get("active").asBoolean()) {
                    continue;
                }
                any = true;
                if (view.get("partitions").isEmpty()) {
                    return false;
                }
                for (JsonNode p : view.get("partitions")) {
                    if ("starting".equals(p.get("state").asString())) {
                        return false;
                    }
                    // Applied up to the log end read at start; a platform without that field (before
                    // issue 12) is taken as consuming once it is caught up. Either way the product the
                    // bench writes at the banner does not count against it where the field exists.
                    boolean started = p.has("started")
                            ? p.get("started").asBoolean()
                            : !p.get("lagEvents").isNull() && p.get("lagEvents").asLong() == 0;
                    if (!started) {
                        return false;
                    }
                }
            }
            return any;
        }

        String admin() throws Exception {
            if (admin == null) {
                var response = send("POST", "/api/v1/dev/tokens", null, "{\"role\":\"admin\",\"subject\":\"bench\"}");
                if (response.statusCode() != 200) {
                    throw new IOException("no token yet: " + response.statusCode());
                }
                admin = EventJson.tree(response.body()).get("token").asString();
            }
            return admin;
        }

        HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
            return http.send(
                    CheckoutBench.request("http://127.0.0.1:" + port + path, method, token, body)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        void alive() {
            if (!process.isAlive()) {
                throw new IllegalStateException("platform exited; see " + data);
            }
        }

        void deadlineCheck(long deadline, String what) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + what + " within " + BOOT + "; see " + data);
            }
        }

        /** SIGTERM: a normal stop. */
        void stop() throws Exception {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("platform did not stop within 60 s");
            }
        }

        /** SIGKILL to the JVM and to the PostgreSQL server it started (not its child), as a power cut. */
        void kill() throws Exception {
            process.destroyForcibly();
            process.onExit().get();
            Path pid = data.resolve("postgres/cluster/postmaster.pid");
            if (Files.exists(pid)) {
                long postmaster =
                        Long.parseLong(Files.readAllLines(pid).getFirst().strip());
                var handle = ProcessHandle.of(postmaster);
                if (handle.isPresent()) {
                    List<ProcessHandle> all =
                            new ArrayList<>(handle.get().descendants().toList());
                    all.forEach(ProcessHandle::destroyForcibly);
                    handle.get().destroyForcibly();
                    handle.get().onExit().get(30, TimeUnit.SECONDS);
                }
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private RestartBench() {}
}
