package dev.mercato.bench;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.kafka.KafkaPublisher;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.outbox.OutboxRelay;
import dev.mercato.plane.outbox.RelaySettings;
import dev.mercato.plane.postgres.CapabilityStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Outbox to Kafka: how many committed events per second one relay publishes, on the embedded stores
 * (durable PostgreSQL, a broker that fsyncs every append).
 *
 * <p>Run: {@code ./mvnw -q -pl bench exec:java -Dexec.mainClass=dev.mercato.bench.RelayBench
 * -Dexec.args="200000"}
 */
public final class RelayBench {

    static final EventType TYPE = EventType.of("bench", "thing-happened", 1);

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        // "nofsync" measures what the broker's fsync per append (single-node durability) costs.
        boolean fsync = !(args.length > 1 && args[1].equals("nofsync"));
        try (BenchStores bench = new BenchStores(TYPE.topic(), fsync)) {
            CapabilityStore store = bench.store;
            Outbox outbox = bench.outbox;
            KafkaPublisher publisher = bench.publisher;

            // Fill the outbox first, so the relay's rate is measured alone.
            long fillStart = System.nanoTime();
            String payload = "{\"sku\":\"SKU-000000\",\"onHand\":42,\"note\":\"" + "x".repeat(200) + "\"}";
            for (int done = 0; done < events; ) {
                int n = Math.min(1000, events - done);
                List<Outbox.Draft> drafts = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    drafts.add(new Outbox.Draft(
                            TYPE, MerchantId.of("m-" + (i % 10)), "agg-" + ((done + i) % 5000), payload));
                }
                store.transactions().executeWithoutResult(s -> outbox.appendAll(drafts));
                done += n;
            }
            double fillSeconds = (System.nanoTime() - fillStart) / 1e9;

            for (int batch : new int[] {1000, 5000, 10000}) {
                store.jdbc().sql("UPDATE outbox SET published_at = NULL").update();
                long start = System.nanoTime();
                try (OutboxRelay relay = new OutboxRelay(
                                store,
                                publisher,
                                new RelaySettings(
                                        batch, Duration.ofMillis(100), Duration.ofHours(1), Duration.ofMinutes(1)),
                                Clock.systemUTC(),
                                OutboxRelay.Faults.NONE)
                        .start()) {
                    while (relay.publishedSinceStart() < events) {
                        Thread.sleep(20);
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(
                        Locale.ROOT,
                        "relay batch %d, broker fsync %s: %d events in %.2f s = %.0f events/s relayed (outbox filled at %.0f events/s)%n",
                        batch,
                        fsync ? "on" : "off",
                        events,
                        seconds,
                        events / seconds,
                        events / fillSeconds);
            }
        }
    }

    private RelayBench() {}
}
