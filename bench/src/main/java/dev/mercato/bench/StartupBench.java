package dev.mercato.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Time to healthy (first start on an empty data folder, then a second start on the same folder), the
 * time a normal stop takes, and the memory the running platform holds: the JVM's peak RSS and the
 * proportional set size (PSS, shared memory counted once) of the PostgreSQL processes it started.
 *
 * <p>Run: {@code java bench/src/main/java/dev/mercato/bench/StartupBench.java app/target/mercato.jar}
 */
public final class StartupBench {

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "app/target/mercato.jar").toAbsolutePath();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        String java = ProcessHandle.current().info().command().orElse("java");
        System.out.printf(
                "jar %s, java %s, %d cores%n",
                jar, Runtime.version(), Runtime.getRuntime().availableProcessors());
        for (int run = 1; run <= runs; run++) {
            Path data = Files.createTempDirectory("mercato-bench");
            Result first = startAndStop(java, jar, data, true);
            Result second = startAndStop(java, jar, data, false);
            System.out.printf(
                    Locale.ROOT,
                    "run %d: first start healthy %.1f s, second start healthy %.1f s, stop %.1f s,"
                            + " JVM peak RSS %d MiB, PostgreSQL PSS %d MiB (after the second start)%n",
                    run,
                    first.healthySeconds(),
                    second.healthySeconds(),
                    second.stopSeconds(),
                    second.jvmPeakRssKb() / 1024,
                    second.postgresPssKb() / 1024);
        }
    }

    record Result(double healthySeconds, double stopSeconds, long jvmPeakRssKb, long postgresPssKb) {}

    static Result startAndStop(String java, Path jar, Path data, boolean first) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        long began = System.nanoTime();
        Process process = new ProcessBuilder(
                        java,
                        "-Xms256m",
                        "-Xmx1g",
                        "-jar",
                        jar.toString(),
                        "--mercato.data-dir=" + data,
                        "--server.port=" + port)
                .redirectErrorStream(true)
                .redirectOutput(data.resolve(first ? "first.log" : "second.log").toFile())
                .start();
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = began + Duration.ofMinutes(5).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("platform exited; see " + data);
            }
            try {
                var response = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not healthy within 5 minutes; see " + data);
            }
            Thread.sleep(100);
        }
        double healthy = (System.nanoTime() - began) / 1e9;
        long jvmPeak = statusField(process.pid(), "VmHWM:");
        long postgres = postgresPss(data);
        long stopBegan = System.nanoTime();
        process.destroy(); // SIGTERM: a normal stop
        process.waitFor();
        double stop = (System.nanoTime() - stopBegan) / 1e9;
        return new Result(healthy, stop, jvmPeak, postgres);
    }

    static long postgresPss(Path data) throws IOException {
        Path pidFile = data.resolve("postgres/cluster/postmaster.pid");
        long postmaster = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
        List<Long> pids = new ArrayList<>();
        pids.add(postmaster);
        ProcessHandle.of(postmaster).ifPresent(h -> h.children().forEach(c -> pids.add(c.pid())));
        long total = 0;
        for (long pid : pids) {
            total += rollupField(pid, "Pss:");
        }
        return total;
    }

    static long statusField(long pid, String field) throws IOException {
        return field(Path.of("/proc", Long.toString(pid), "status"), field);
    }

    static long rollupField(long pid, String field) throws IOException {
        return field(Path.of("/proc", Long.toString(pid), "smaps_rollup"), field);
    }

    static long field(Path file, String field) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        return 0;
    }

    private StartupBench() {}
}
