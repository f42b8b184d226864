package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged platform, killed with SIGKILL (the JVM and the PostgreSQL server, as a power cut would),
 * loses nothing it had committed. Runs the real jar in a child process.
 */
class CrashRecoveryIntegrationTest {

    static final Pattern COMMITTED = Pattern.compile("Sample catalog: committed (\\S+) ");
    static final Duration BOOT = Duration.ofMinutes(3);

    @TempDir
    Path data;

    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final List<Platform> started = new ArrayList<>();

    record Platform(Process process, int port, List<String> output) {
        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Platform p : started) {
            p.process().destroyForcibly();
        }
        killPostgres();
    }

    @Test
    void a_platform_killed_while_loading_keeps_every_batch_it_committed_and_finishes_on_restart() throws Exception {
        Platform first = start();
        await().atMost(BOOT)
                .until(() -> committed(first).size() >= 1 || !first.process().isAlive());
        killEverything(first);
        List<String> acknowledged = committed(first);
        assertThat(acknowledged).as("batches committed before the kill").isNotEmpty();

        Platform second = start();
        awaitHealthy(second);
        for (String category : acknowledged) {
            String page = get(second, "/api/v1/products?limit=200&category=" + category);
            assertThat(count(page, "\"sku\""))
                    .as("products of " + category + " after the crash")
                    .isEqualTo(50);
        }
        assertThat(totalProducts(second)).isEqualTo(1200);
        String product = get(second, "/api/v1/products/OUT-TENT-001");

        killEverything(second);
        Platform third = start();
        awaitHealthy(third);
        assertThat(totalProducts(third)).isEqualTo(1200);
        assertThat(get(third, "/api/v1/products/OUT-TENT-001")).isEqualTo(product);
        assertThat(String.join("\n", third.output())).doesNotContain("Sample catalog: committed");
    }

    Platform start() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Path jar = Path.of("target", "mercato.jar").toAbsolutePath();
        assertThat(jar).as("the packaged jar (failsafe runs after package)").exists();
        // The client compiler only, as for the test JVMs (see the parent pom's argLine): a short-lived
        // platform spends less CPU compiling than it would gain from C2.
        Process process = new ProcessBuilder(
                        java,
                        "-XX:TieredStopAtLevel=1",
                        "-jar",
                        jar.toString(),
                        "--mercato.data-dir=" + data,
                        "--server.port=" + port)
                .redirectErrorStream(true)
                .start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> {
            try (var reader =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        });
        Platform platform = new Platform(process, port, output);
        started.add(platform);
        return platform;
    }

    void awaitHealthy(Platform p) {
        await().atMost(BOOT).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!p.process().isAlive()) {
                throw new AssertionError("platform exited:\n" + String.join("\n", p.output()));
            }
            try {
                var response = http.send(
                        HttpRequest.newBuilder(URI.create(p.url("/actuator/health")))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** SIGKILL to the JVM and to the PostgreSQL server it started (which is not its child). */
    void killEverything(Platform p) throws Exception {
        p.process().destroyForcibly();
        p.process().onExit().get();
        killPostgres();
    }

    void killPostgres() throws Exception {
        Path pid = data.resolve("postgres/cluster/postmaster.pid");
        if (Files.exists(pid)) {
            long postmaster = Long.parseLong(Files.readAllLines(pid).getFirst().strip());
            var handle = ProcessHandle.of(postmaster);
            if (handle.isPresent()) {
                handle.get().descendants().forEach(ProcessHandle::destroyForcibly);
                handle.get().destroyForcibly();
                await().atMost(Duration.ofSeconds(30)).until(() -> !handle.get().isAlive());
            }
        }
    }

    static List<String> committed(Platform p) {
        List<String> categories = new ArrayList<>();
        for (String line : p.output()) {
            Matcher m = COMMITTED.matcher(line);
            if (m.find()) {
                categories.add(m.group(1));
            }
        }
        return categories;
    }

    int totalProducts(Platform p) throws Exception {
        String categories = get(p, "/api/v1/categories");
        int total = 0;
        for (String top : List.of("outdoor", "home", "electronics")) {
            Matcher m = Pattern.compile("\"path\":\"" + top + "\",\"products\":(\\d+)")
                    .matcher(categories);
            assertThat(m.find()).as(top + " in " + categories).isTrue();
            total += Integer.parseInt(m.group(1));
        }
        return total;
    }

    String get(Platform p, String path) throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(URI.create(p.url(path))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("GET " + path + ": " + response.body())
                .isEqualTo(200);
        return response.body();
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
