package dev.mercato.plane.kafka;

import dev.mercato.plane.events.Event;
import dev.mercato.plane.outbox.LogPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes events with Kafka's idempotent producer: acks from all in-sync replicas (at least {@link
 * DurabilitySettings#minInsyncReplicas()} of them), and broker-side de-duplication of the producer's own
 * retries, so a retry never reorders or doubles a partition's records. Duplicates from a relay restarting
 * between send and mark are left to consumers. Topics are created on first use with the same policy.
 */
public final class KafkaPublisher implements LogPublisher, AutoCloseable {

    private final Supplier<String> bootstrapServers;
    private final int partitions;
    private final DurabilitySettings durability;
    private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();
    private KafkaProducer<String, byte[]> producer;
    private MeterRegistry registry;
    private KafkaClientMetrics producerMetrics;

    /** A publisher to the embedded broker (or any single node), with its policy. */
    public KafkaPublisher(String bootstrapServers) {
        this(() -> bootstrapServers, 8);
    }

    /** A publisher to the embedded broker (or any single node), with its policy. */
    public KafkaPublisher(Supplier<String> bootstrapServers, int partitions) {
        this(bootstrapServers, partitions, DurabilitySettings.EMBEDDED);
    }

    /**
     * @param bootstrapServers asked for on the first publish, so the publisher can exist before the broker
     * @param partitions for topics this publisher creates on first use
     * @param durability the producer's acks, and the replication of topics this publisher creates
     */
    public KafkaPublisher(Supplier<String> bootstrapServers, int partitions, DurabilitySettings durability) {
        this.bootstrapServers = bootstrapServers;
        this.partitions = partitions;
        this.durability = durability;
    }

    /** The producer reports to {@code registry} ({@code kafka.producer.*}, tagged with its client id). */
    public synchronized void recordMetrics(MeterRegistry registry) {
        this.registry = registry;
        if (producer != null && producerMetrics == null) {
            producerMetrics = new KafkaClientMetrics(producer);
            producerMetrics.bindTo(registry);
        }
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = create(bootstrapServers.get(), durability);
            if (registry != null) {
                producerMetrics = new KafkaClientMetrics(producer);
                producerMetrics.bindTo(registry);
            }
        }
        return producer;
    }

    private static KafkaProducer<String, byte[]> create(String bootstrapServers, DurabilitySettings durability) {
        return new KafkaProducer<>(
                producerSettings(bootstrapServers, durability), new StringSerializer(), new ByteArraySerializer());
    }

    /** The relay producer's settings: the connection's from {@link KafkaClients}, the guarantees its own. */
    static Properties producerSettings(String bootstrapServers, DurabilitySettings durability) {
        Properties p = new Properties();
        KafkaClients.apply(p);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "mercato-relay");
        // Idempotence needs acks=all, which DurabilitySettings insists on: an explicit setting, not a default.
        p.put(ProducerConfig.ACKS_CONFIG, durability.acks());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // One request in flight per broker: with more, a partition's events can land out of order despite
        // idempotence. Seen in CI on a topic created just before its first publish: request A got
        // NOT_LEADER_OR_FOLLOWER while the broker was still opening the partition, request B (the same key's
        // next event) was appended, a broker with no state for the producer accepting any first sequence, and
        // A then failed OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout; the relay sent A again, after
        // B, and a view, dropping what is not above the last sequence it applied, would have lost A (the
        // broker side is KAFKA-15591). One in flight retries A before anything after it is sent.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // A publish that cannot complete fails within 10 s, so the relay reports it and backs off.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        return p;
    }

    @Override
    public void publish(List<Event> events) {
        KafkaProducer<String, byte[]> producer = producer();
        for (Event e : events) {
            // A topic exists before its first event: auto-creation is off, on purpose.
            String topic = e.type().topic();
            if (!knownTopics.contains(topic)) {
                LogTopics.ensure(bootstrapServers.get(), List.of(topic), partitions, durability);
                knownTopics.add(topic);
            }
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
        for (Event e : events) {
            Future<RecordMetadata> ack = producer.send(EventCodec.toRecord(e));
            // With the log unreachable, each send waits max.block.ms and returns an already-failed future:
            // stop at the first one instead of waiting once per event of the batch.
            if (ack.isDone()) {
                Throwable failure = failureOf(ack);
                if (failure != null) {
                    throw new IllegalStateException("The log is unreachable: " + failure.getMessage(), failure);
                }
            }
            acks.add(ack);
        }
        producer.flush();
        for (Future<RecordMetadata> ack : acks) {
            Throwable failure = failureOf(ack);
            if (failure != null) {
                throw new IllegalStateException(
                        "The log did not acknowledge an event: " + failure.getMessage(), failure);
            }
        }
    }

    private static Throwable failureOf(Future<RecordMetadata> done) {
        try {
            done.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    @Override
    public synchronized void close() {
        if (producerMetrics != null) {
            producerMetrics.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
