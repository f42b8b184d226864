package dev.mercato.bench;

import dev.mercato.plane.kafka.DurabilitySettings;
import dev.mercato.plane.kafka.EmbeddedKafka;
import dev.mercato.plane.kafka.EmbeddedKafkaSettings;
import dev.mercato.plane.kafka.KafkaPublisher;
import dev.mercato.plane.kafka.LogTopics;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.EmbeddedPostgres;
import dev.mercato.plane.postgres.EmbeddedPostgresSettings;
import dev.mercato.plane.postgres.PostgresStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The embedded stores a data-plane bench runs on, as the platform configures them: durable PostgreSQL, a
 * broker that fsyncs each append (unless told not to), one capability store with its outbox, and its
 * topic with 8 partitions.
 */
final class BenchStores implements AutoCloseable {

    final EmbeddedPostgres postgres;
    final EmbeddedKafka kafka;
    final PostgresStores stores;
    final KafkaPublisher publisher;
    final CapabilityStore store;
    final Outbox outbox;

    BenchStores(String topic, boolean brokerFsync) throws IOException {
        Path folder = Files.createTempDirectory("mercato-bench");
        postgres = EmbeddedPostgres.start(EmbeddedPostgresSettings.of(folder.resolve("pg")));
        kafka = EmbeddedKafka.start(new EmbeddedKafkaSettings(
                folder.resolve("kafka"),
                0,
                brokerFsync ? Map.of() : Map.of("log.flush.interval.messages", Long.toString(Long.MAX_VALUE))));
        stores = new PostgresStores(
                postgres, "bench", "bench-role-secret-0123456789", PostgresStores.PoolSettings.DEFAULT);
        publisher = new KafkaPublisher(kafka.bootstrapServers());
        store = stores.open("bench");
        stores.migrate(store, "classpath:db/plane/outbox", "plane_outbox_history");
        LogTopics.ensure(kafka.bootstrapServers(), List.of(topic), 8, DurabilitySettings.EMBEDDED);
        outbox = new Outbox(store, Clock.systemUTC());
    }

    @Override
    public void close() {
        publisher.close();
        stores.close();
        kafka.close();
        postgres.close();
    }
}
