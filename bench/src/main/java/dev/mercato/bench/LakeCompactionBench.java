package dev.mercato.bench;

import dev.mercato.analytics.generator.DataGenerator;
import dev.mercato.analytics.lake.LakeFile;
import dev.mercato.analytics.lake.LakeView;
import dev.mercato.analytics.warehouse.Reports;
import dev.mercato.analytics.warehouse.Warehouse;
import dev.mercato.plane.consume.LogPartition;
import dev.mercato.plane.consume.LogRecord;
import dev.mercato.plane.events.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * What compaction does to a lake of small files: files before and after, and how long a warehouse takes to
 * load the lake, to notice the merge, and to list it. Events from the data generator go through {@link
 * LakeView}'s real path (the log replaced by a loop), flushed every {@code flushEvery} records of a partition
 * so that they land as many small files, as a busy platform's 500 ms flushes did.
 *
 * <p>Run: {@code ./mvnw -q -pl bench exec:java -Dexec.mainClass=dev.mercato.bench.LakeCompactionBench
 * -Dexec.args="100000 100 8"} (events, records per flush, partitions).
 */
public final class LakeCompactionBench {

    private LakeCompactionBench() {}

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int flushEvery = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Path dir = Files.createTempDirectory("lake-compaction-bench");
        Path lake = dir.resolve("lake");

        List<Event> all = new ArrayList<>(count);
        try {
            new DataGenerator(42, 20_000, 5_000, 20).events(LocalDate.parse("2026-01-01"), 12, 20_000, e -> {
                if (all.size() == count) {
                    throw new WarehouseBench.Enough();
                }
                all.add(e);
            });
        } catch (WarehouseBench.Enough enough) {
            // The generator goes on for months; the bench needs only the first events.
        }
        WarehouseBench.FedLog fed = new WarehouseBench.FedLog();
        LakeView view = new LakeView(
                lake,
                fed,
                List.of("mercato.bench"),
                flushEvery,
                Duration.ofHours(1),
                new LakeView.Compaction(Duration.ZERO, 128L << 20),
                Clock.systemUTC());
        view.start();
        List<LogPartition> assigned = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            assigned.add(new LogPartition("mercato.bench", p));
        }
        fed.sink().assigned(assigned);
        long[] offsets = new long[partitions];
        long t0 = System.nanoTime();
        List<LogRecord> batch = new ArrayList<>();
        for (Event e : all) {
            int p = Math.floorMod(e.key().hashCode(), partitions);
            batch.add(LogRecord.decoded(assigned.get(p), offsets[p]++, e.time(), e.key(), e));
            if (batch.size() == 500) {
                fed.sink().accept(batch);
                batch = new ArrayList<>();
            }
        }
        fed.sink().accept(batch);
        for (LogPartition p : assigned) {
            fed.sink().revoked(List.of(p));
        }
        System.out.printf("ingested %,d events in %.1f s%n", count, seconds(t0));

        int small = list(lake, "small files");
        Warehouse before = Warehouse.open(dir.resolve("before.duckdb"), lake, Clock.systemUTC());
        t0 = System.nanoTime();
        Warehouse.Refreshed r = before.refresh();
        System.out.printf(
                "refresh of a new warehouse over %,d small files: %.1f s (%,d events)%n",
                r.files(), seconds(t0), r.events());
        String totals = revenue(before);
        t0 = System.nanoTime();
        before.refresh();
        System.out.printf("refresh with nothing new, %,d files in the lake: %.3f s%n", small, seconds(t0));

        t0 = System.nanoTime();
        LakeView.Compacted c = view.compact();
        System.out.printf(
                "compaction: %d merges, %,d files written, %,d deleted in %.1f s%n",
                c.merges(), c.written(), c.deleted(), seconds(t0));
        view.close();
        int merged = list(lake, "merged files");

        t0 = System.nanoTime();
        r = before.refresh();
        System.out.printf(
                "refresh of the loaded warehouse after compaction: %.2f s (%,d files recorded, %,d events" + " read)%n",
                seconds(t0), r.files(), r.events());
        t0 = System.nanoTime();
        before.refresh();
        System.out.printf("refresh with nothing new, %,d files in the lake: %.3f s%n", merged, seconds(t0));
        Warehouse after = Warehouse.open(dir.resolve("after.duckdb"), lake, Clock.systemUTC());
        t0 = System.nanoTime();
        r = after.refresh();
        System.out.printf(
                "refresh of a new warehouse over %,d merged files: %.1f s (%,d events)%n",
                r.files(), seconds(t0), r.events());
        boolean same = totals.equals(revenue(before)) && totals.equals(revenue(after));
        System.out.printf("same revenue report before and after (both warehouses): %s%n", same);
        System.out.printf("files: %,d -> %,d (%.0fx fewer)%n", small, merged, small / (double) merged);
        before.close();
        after.close();
        if (!same) {
            throw new IllegalStateException("compaction changed the warehouse's answers");
        }
    }

    static int list(Path lake, String what) {
        long t0 = System.nanoTime();
        int n = LakeFile.list(lake).size();
        System.out.printf("%,d %s, listed in %.3f s%n", n, what, seconds(t0));
        return n;
    }

    static String revenue(Warehouse w) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = w.connection();
                PreparedStatement s = c.prepareStatement(Reports.REVENUE_SQL)) {
            s.setObject(1, LocalDate.parse("2026-01-01"));
            s.setObject(2, LocalDate.parse("2026-12-31"));
            s.setString(3, null);
            s.setString(4, null);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.append(rs.getString("country"))
                            .append('|')
                            .append(rs.getString("category"))
                            .append('|')
                            .append(rs.getBigDecimal("revenue").toPlainString())
                            .append('\n');
                }
            }
        }
        return out.toString();
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
