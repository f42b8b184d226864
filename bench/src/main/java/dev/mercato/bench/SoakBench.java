package dev.mercato.bench;

import dev.mercato.bench.CheckoutBench.Platform;
import dev.mercato.bench.CheckoutBench.Shopper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkout held at a steady open-loop rate for many minutes, every view running: does anything grow per
 * order that should not? After each window it forces a full GC in the platform ({@code jcmd GC.run}) and
 * reads the heap left, and counts the rows of every table of the embedded PostgreSQL. At the end it prints
 * the heap after GC per window (flat or not) and, per table, the rows added per order placed: the facts
 * (orders, order lines, reservations, payments, pick lists) add a fixed number per order, and so do the
 * tables kept for a retention window (outbox rows 24 h, view key progress 7 d, outbox sequences 30 d), which
 * the bench names so that a table growing without a retention stands out.
 *
 * <p>Carts are made by the same shoppers in the background, at the rate they are checked out, so the cart
 * store's traffic is part of the soak.
 *
 * <p>Run: {@code java -cp "bench/target/classes:$(cat bench/target/classpath.txt)"
 * dev.mercato.bench.SoakBench app/target/mercato.jar 10 60 60} (jar, minutes, orders/s, seconds per window).
 */
public final class SoakBench {

    /** Tables kept for a retention window rather than forever, with the setting that bounds them. */
    private static final Map<String, String> RETAINED = Map.of(
            "outbox", "mercato.plane.outbox-retention (24h) after publishing",
            "outbox_sequences", "mercato.plane.sequence-retention (30d) of idleness",
            "view_key_progress", "mercato.plane.view-key-retention (7d) of idleness",
            "answers", "mercato.payments.provider.answer-retention (7d)");

    private SoakBench() {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "app/target/mercato.jar").toAbsolutePath();
        int minutes = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        int window = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        int windows = Math.max(2, minutes * 60 / window);
        System.out.printf(
                Locale.ROOT,
                "%d cores, java %s, soak: %d windows of %d s at %d orders/s, open loop, every view running%n",
                Runtime.getRuntime().availableProcessors(),
                Runtime.version(),
                windows,
                window,
                rate);
        try (Platform platform = Platform.start(jar)) {
            Shopper shopper = new Shopper(platform);
            shopper.restock();
            shopper.prepare(rate * window * 2);
            platform.awaitQuiet();
            Thread carts = Thread.ofPlatform().daemon().name("soak-carts").start(() -> keepCartsReady(shopper, rate));
            List<Long> heaps = new ArrayList<>();
            List<Map<String, Long>> tables = new ArrayList<>();
            List<Long> placed = new ArrayList<>();
            try {
                // The first window warms up; growth is counted from the end of it.
                for (int w = 0; w <= windows; w++) {
                    CheckoutBench.openLoop("soak window " + w + (w == 0 ? " (warm-up)" : ""), window, rate, shopper);
                    heaps.add(heapAfterGc(platform));
                    tables.add(rows(platform));
                    placed.add(shopper.placed.get());
                    System.out.printf(
                            Locale.ROOT,
                            "window %d: heap after full GC %.1f MB, %d orders placed so far%n",
                            w,
                            heaps.getLast() / 1e6,
                            placed.getLast());
                }
            } finally {
                carts.interrupt();
            }
            report(heaps, tables, placed);
            System.out.println("checkouts not placed, by answer: " + shopper.refusals);
        }
    }

    /** Keeps about twenty seconds of prepared carts ahead of checkout. */
    private static void keepCartsReady(Shopper shopper, int rate) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (shopper.carts.size() < rate * 20) {
                    shopper.prepare(rate * 5);
                } else {
                    TimeUnit.MILLISECONDS.sleep(200);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                System.out.println("preparing carts failed, trying again: " + e);
            }
        }
    }

    private static void report(List<Long> heaps, List<Map<String, Long>> tables, List<Long> placed) {
        List<Long> measured = heaps.subList(1, heaps.size());
        long first = measured.getFirst();
        long min = measured.stream().mapToLong(Long::longValue).min().orElse(0);
        long max = measured.stream().mapToLong(Long::longValue).max().orElse(0);
        System.out.printf(
                Locale.ROOT,
                "heap after full GC, windows 1..%d: first %.1f MB, last %.1f MB, min %.1f MB, max %.1f MB"
                        + " (last vs first %+.1f %%)%n",
                measured.size(),
                first / 1e6,
                measured.getLast() / 1e6,
                min / 1e6,
                max / 1e6,
                100.0 * (measured.getLast() - first) / first);
        long orders = placed.getLast() - placed.getFirst();
        System.out.printf(Locale.ROOT, "rows added per order placed (%d orders after the warm-up):%n", orders);
        Map<String, Long> start = tables.getFirst();
        Map<String, Long> end = tables.getLast();
        for (var e : end.entrySet()) {
            long added = e.getValue() - start.getOrDefault(e.getKey(), 0L);
            if (added == 0) {
                continue;
            }
            String table = e.getKey().substring(e.getKey().indexOf('.') + 1);
            String note = RETAINED.getOrDefault(table.replaceFirst("_g\\d+$", ""), RETAINED.getOrDefault(table, ""));
            System.out.printf(
                    Locale.ROOT,
                    "  %-45s %+9d rows  %6.2f per order  %s%n",
                    e.getKey(),
                    added,
                    added / (double) Math.max(1, orders),
                    note.isEmpty() ? "" : "(kept for " + note + ")");
        }
    }

    /** Forces a full collection in the platform's JVM and returns the heap in use after it, in bytes. */
    static long heapAfterGc(Platform platform) throws IOException, InterruptedException {
        String jcmd = ProcessHandle.current()
                .info()
                .command()
                .map(java -> Path.of(java).resolveSibling("jcmd").toString())
                .orElse("jcmd");
        String pid = Long.toString(platform.process.pid());
        run(jcmd, pid, "GC.run");
        String info = run(jcmd, pid, "GC.heap_info");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(info);
        if (!used.find()) {
            throw new IllegalStateException("no heap figure in: " + info);
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** Exact row counts of every table in the platform's embedded PostgreSQL, as schema.table. */
    static Map<String, Long> rows(Platform platform) throws Exception {
        Path pidFile = platform.postmasterPid().orElseThrow();
        String port = Files.readAllLines(pidFile).get(3).trim();
        String password = Files.readString(platform.data.resolve("postgres/superuser.secret"))
                .trim();
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + port + "/mercato", "postgres", password);
                Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT quote_ident(schemaname) || '.' || quote_ident(relname)"
                    + " FROM pg_stat_user_tables ORDER BY 1")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        return counts;
    }
}
