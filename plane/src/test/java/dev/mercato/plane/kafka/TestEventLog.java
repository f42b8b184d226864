package dev.mercato.plane.kafka;

import dev.mercato.plane.events.Event;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes events to a test broker for tests outside this package. It lives here because the architecture
 * test scans the test jar too, and only the log adapter's package may speak Kafka.
 */
public final class TestEventLog implements AutoCloseable {

    private final String bootstrapServers;
    private final KafkaProducer<String, byte[]> producer;

    public TestEventLog(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
    }

    /** A topic of its own for one test (the broker creates none by itself). */
    public String newTopic(int partitions) throws Exception {
        return newTopic("test-" + UUID.randomUUID(), partitions);
    }

    /** Creates the topic {@code name}, for a test that starts a view on it before it exists. */
    public String newTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            LogTopics.awaitLeaders(admin, List.of(name), java.time.Duration.ofSeconds(30));
        }
        return name;
    }

    /**
     * Leaves a member in {@code group} as a process killed with SIGKILL would: it joins, takes the topic's
     * partitions, and goes without leaving the group, which keeps it as a member (holding its partitions in
     * a rebalance) until {@code sessionTimeout} passes without a heartbeat.
     */
    public void abandonMember(String group, String topic, java.time.Duration sessionTimeout) {
        try (KafkaConsumer<String, byte[]> member = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                (int) sessionTimeout.toMillis(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
            member.subscribe(List.of(topic));
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            while (member.assignment().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the member got no partitions of " + topic);
                }
                member.poll(java.time.Duration.ofMillis(100));
            }
            member.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
        }
    }

    /** Sends the events in order to {@code topic} (not their type's topic) and waits for every ack. */
    public void send(String topic, List<Event> events) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (Event e : events) {
            ProducerRecord<String, byte[]> r = EventCodec.toRecord(e);
            acks.add(producer.send(new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value(), r.headers())));
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get(30, TimeUnit.SECONDS);
        }
    }

    /** A record that is no Mercato event: no CloudEvents headers at all. */
    public void sendUndecodable(String topic, String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8)))
                .get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        producer.close();
    }
}
