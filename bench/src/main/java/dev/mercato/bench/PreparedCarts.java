package dev.mercato.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The Java half of {@code bench/checkout-wrk}: a platform with prepared carts, held running while clients
 * the team did not write ({@code wrk}, {@code pgbench}) measure it.
 *
 * <p>Starts the packaged platform on a fresh data folder (as {@link CheckoutBench} does), restocks every
 * SKU, prepares carts over HTTP (untimed), and writes them to files, one checkout per line: {@code token
 * cartId idempotencyKey}. Each line must be used once: a second POST with the same key is an idempotent
 * replay, far cheaper than a checkout. It then prints what the script needs as {@code SET name=value}
 * lines (the base URL and how to reach the platform's embedded PostgreSQL) and {@code READY}, and reads
 * commands from stdin: {@code quiet} waits until the platform's JVM is idle and answers {@code READY};
 * {@code stop}, or stdin closing (the script ended or was killed), stops the platform.
 *
 * <p>Arguments: jar, folder for the cart files and the platform's data ({@code platform/} in it), warm-up
 * carts, measured carts.
 */
public final class PreparedCarts {

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path out = Files.createDirectories(Path.of(args[1]));
        int warmup = Integer.parseInt(args[2]);
        int measured = Integer.parseInt(args[3]);
        // The platform's data folder goes beside the cart files, so the script removes both at the end.
        try (CheckoutBench.Platform platform = CheckoutBench.Platform.start(
                jar, List.of(), out.resolve("platform"), CheckoutBench.Platform.freePort())) {
            CheckoutBench.Shopper shopper = new CheckoutBench.Shopper(platform);
            shopper.restock();
            shopper.prepare(warmup + measured);
            int written = write(shopper, out.resolve("warmup-carts.txt"), warmup)
                    + write(shopper, out.resolve("carts.txt"), measured);
            // A cart whose preparing request failed is missing; the script reports what it got, not what it asked.
            System.out.printf(Locale.ROOT, "wrote %d checkouts to %s%n", written, out);
            platform.awaitQuiet();
            Path postgres = platform.data.resolve("postgres");
            System.out.println("SET base=" + platform.base);
            System.out.println("SET data=" + platform.data);
            System.out.println("SET pg_host=127.0.0.1");
            System.out.println("SET pg_port=" + postmasterPort(postgres.resolve("cluster")));
            System.out.println("SET pg_user=postgres");
            System.out.println("SET pg_password_file=" + postgres.resolve("superuser.secret"));
            System.out.println("SET pg_database=mercato");
            System.out.println("READY");
            var commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String command; (command = commands.readLine()) != null && !command.equals("stop"); ) {
                if (command.equals("quiet")) {
                    platform.awaitQuiet();
                    System.out.println("READY");
                } else {
                    System.out.println("unknown command " + command + "; known: quiet, stop");
                }
            }
            System.out.println("stopping the platform");
        }
    }

    /** Takes {@code count} prepared carts (or what is left) into {@code file}; answers how many. */
    private static int write(CheckoutBench.Shopper shopper, Path file, int count) throws Exception {
        List<String> lines = new ArrayList<>(count);
        for (String[] cart; lines.size() < count && (cart = shopper.carts.poll()) != null; ) {
            lines.add(cart[0] + " " + cart[1] + " " + UUID.randomUUID());
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        return lines.size();
    }

    /**
     * The port the platform's embedded PostgreSQL listens on (127.0.0.1, TCP only, no Unix socket), read
     * from the fourth line of its {@code postmaster.pid}: it picks a free port at every start.
     */
    private static int postmasterPort(Path cluster) throws Exception {
        return Integer.parseInt(
                Files.readAllLines(cluster.resolve("postmaster.pid")).get(3).strip());
    }

    private PreparedCarts() {}
}
