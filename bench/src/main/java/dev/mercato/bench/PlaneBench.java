package dev.mercato.bench;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.consume.Generation;
import dev.mercato.plane.consume.PartitionFreshness;
import dev.mercato.plane.consume.View;
import dev.mercato.plane.consume.ViewFreshness;
import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.plane.consume.ViewSettings;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.kafka.ViewConsumerLoop;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.outbox.OutboxRelay;
import dev.mercato.plane.outbox.RelaySettings;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The data plane end to end on the embedded stores: business transactions append to an outbox, the relay
 * publishes to Kafka, the view runtime applies into a PostgreSQL view (checkpoint in the same
 * transaction). Measures sustained events/s relayed and applied, then commit-to-applied latency at a
 * steady 1,000 events/s.
 *
 * <p>Run: {@code ./mvnw -q -pl bench exec:java -Dexec.mainClass=dev.mercato.bench.PlaneBench
 * -Dexec.args="100000 20"} (events for the throughput phase, seconds of the steady phase).
 */
public final class PlaneBench {

    static final EventType TYPE = EventType.of("bench", "thing-happened", 1);

    /** Records when each event was committed and when the view applied it. */
    static final class LatencyView implements View {
        private final String name;

        LatencyView() {
            this("bench_view");
        }

        LatencyView(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<String> topics() {
            return List.of(TYPE.topic());
        }

        @Override
        public void createTables(JdbcClient tx, Generation g) {
            tx.sql("CREATE TABLE IF NOT EXISTS " + g.table("applied")
                            + " (event_id uuid PRIMARY KEY, committed_at timestamptz NOT NULL,"
                            + " applied_at timestamptz NOT NULL DEFAULT clock_timestamp())")
                    .update();
        }

        @Override
        public void dropTables(JdbcClient tx, Generation g) {
            tx.sql("DROP TABLE IF EXISTS " + g.table("applied")).update();
        }

        @Override
        public void apply(Event event, JdbcClient tx, Generation g) {
            tx.sql("INSERT INTO " + g.table("applied") + " (event_id, committed_at) VALUES (?, ?)")
                    .params(event.id(), Timestamp.from(event.time()))
                    .update();
        }

        /** A round in one statement, as a view with many events per round should. */
        @Override
        public void applyAll(List<Event> events, JdbcClient tx, Generation g) {
            tx.sql("INSERT INTO " + g.table("applied") + " (event_id, committed_at)"
                            + " SELECT * FROM unnest(?::uuid[], ?::timestamptz[])")
                    .params(
                            events.stream().map(e -> e.id().toString()).toArray(String[]::new),
                            events.stream().map(e -> e.time().toString()).toArray(String[]::new))
                    .update();
        }
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int steadySeconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        try (BenchStores bench = new BenchStores(TYPE.topic(), true)) {
            CapabilityStore store = bench.store;
            PostgresStores stores = bench.stores;
            LatencyView view = new LatencyView();
            try (OutboxRelay relay = new OutboxRelay(
                                    store,
                                    bench.publisher,
                                    RelaySettings.DEFAULT,
                                    Clock.systemUTC(),
                                    OutboxRelay.Faults.NONE)
                            .start();
                    ViewRuntime runtime = new ViewRuntime(
                            stores,
                            ViewConsumerLoop.on(bench.kafka.bootstrapServers()),
                            ViewSettings.DEFAULT,
                            Clock.systemUTC())) {
                runtime.start(view);
                // As the platform wires it: each commit that appended wakes the relay.
                Outbox outbox = new Outbox(store, Clock.systemUTC(), relay::wake);
                String payload = "{\"sku\":\"SKU-000000\",\"onHand\":42,\"note\":\"" + "x".repeat(200) + "\"}";

                // Phase 1: as fast as the writers go; time until the view has applied all of it.
                long start = System.nanoTime();
                write(store, outbox, payload, events, 500);
                double written = (System.nanoTime() - start) / 1e9;
                while (applied(runtime, view) < events) {
                    LockSupport.parkNanos(20_000_000);
                }
                double total = (System.nanoTime() - start) / 1e9;
                System.out.printf(
                        Locale.ROOT,
                        "throughput: %d events committed in %.2f s (%.0f/s); relayed and applied in %.2f s = %.0f events/s end to end%n",
                        events,
                        written,
                        events / written,
                        total,
                        events / total);

                // Phase 2: a steady 1,000 events/s, 10 per transaction every 10 ms.
                runtime.read(
                        view.name(),
                        (jdbc, g) -> jdbc.sql("TRUNCATE " + g.table("applied")).update());
                long steady = (long) steadySeconds * 1000;
                long begin = System.nanoTime();
                for (long i = 0; i < steady / 10; i++) {
                    long due = begin + i * 10_000_000L;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    write(store, outbox, payload, 10, 10);
                }
                while (applied(runtime, view) < events + steady) {
                    LockSupport.parkNanos(20_000_000);
                }
                List<Double> p = runtime.read(
                        view.name(),
                        (jdbc, g) -> jdbc.sql("SELECT percentile_cont(ARRAY[0.5, 0.99, 0.999]) WITHIN GROUP"
                                        + " (ORDER BY extract(epoch FROM applied_at - committed_at) * 1000),"
                                        + " max(extract(epoch FROM applied_at - committed_at) * 1000)"
                                        + " FROM " + g.table("applied"))
                                .query((rs, i) -> {
                                    Double[] q = (Double[]) rs.getArray(1).getArray();
                                    return List.of(q[0], q[1], q[2], rs.getDouble(2));
                                })
                                .single());
                System.out.printf(
                        Locale.ROOT,
                        "latency at 1000 events/s for %d s (%d events): commit-to-applied p50 %.1f ms, p99 %.1f ms,"
                                + " p99.9 %.1f ms, max %.1f ms%n",
                        steadySeconds,
                        steady,
                        p.get(0),
                        p.get(1),
                        p.get(2),
                        p.get(3));

                // Phase 3: the views' own apply rate. Three more views start on the log written above
                // and apply all of it at once, sharing the machine as a platform's views do.
                long inLog = events + steady;
                List<LatencyView> more = List.of(
                        new LatencyView("bench_view_a"),
                        new LatencyView("bench_view_b"),
                        new LatencyView("bench_view_c"));
                more.forEach(runtime::start);
                // Timed from when every view is consuming, so joining the group is not counted.
                long already = 0;
                for (LatencyView v : more) {
                    long n;
                    while ((n = applied(runtime, v)) == 0) {
                        LockSupport.parkNanos(5_000_000);
                    }
                    already += n;
                }
                long began = System.nanoTime();
                for (LatencyView v : more) {
                    while (applied(runtime, v) < inLog) {
                        LockSupport.parkNanos(20_000_000);
                    }
                }
                double took = (System.nanoTime() - began) / 1e9;
                long timed = more.size() * inLog - already;
                System.out.printf(
                        Locale.ROOT,
                        "apply rate: %d views applying the %d events of the log at once: %.0f events/s per view,"
                                + " %.0f events/s together (%d events in %.2f s)%n",
                        more.size(),
                        inLog,
                        timed / took / more.size(),
                        timed / took,
                        timed,
                        took);
            }
        }
    }

    static void write(CapabilityStore store, Outbox outbox, String payload, int count, int perTransaction) {
        for (int done = 0; done < count; ) {
            int n = Math.min(perTransaction, count - done);
            List<Outbox.Draft> drafts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                drafts.add(
                        new Outbox.Draft(TYPE, MerchantId.of("m-" + (i % 10)), "agg-" + ((done + i) % 5000), payload));
            }
            store.transactions().executeWithoutResult(s -> outbox.appendAll(drafts));
            done += n;
        }
    }

    /**
     * Records the view has applied (or dropped as duplicates), from the runtime's own progress in memory: the
     * bench's topic starts at offset 0, so the applied offsets add up to the records handled. Read without
     * touching the database: counting the view's rows every few milliseconds cost PostgreSQL more CPU than
     * some of the views it measured.
     */
    static long applied(ViewRuntime runtime, View view) {
        return runtime.freshness(view.name()).stream()
                .filter(ViewFreshness::active)
                .flatMap(f -> f.partitions().stream())
                .mapToLong(PartitionFreshness::appliedOffset)
                .sum();
    }

    private PlaneBench() {}
}
