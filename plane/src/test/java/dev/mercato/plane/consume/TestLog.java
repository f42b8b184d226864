package dev.mercato.plane.consume;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.kafka.EventCodec;
import dev.mercato.plane.testing.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The shared test broker as a view's tests need it: fresh topics, events and poison records produced. */
final class TestLog implements AutoCloseable {

    static final EventType ADDED = EventType.of("ledger", "amount-added", 1);
    static final String MERCHANT = "shop-1";

    private final KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            SharedKafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class));

    /** A topic of its own for one test: auto-create is off on the broker. */
    static String newTopic(int partitions) throws Exception {
        String name = "views-" + UUID.randomUUID();
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        return name;
    }

    /** The key events of {@code aggregate} carry. */
    static String key(String aggregate) {
        return Event.keyOf(MerchantId.of(MERCHANT), aggregate);
    }

    static Event event(String aggregate, long sequence, long amount) {
        return new Event(
                UUID.randomUUID(),
                ADDED,
                Instant.now(),
                MerchantId.of(MERCHANT),
                aggregate,
                sequence,
                "",
                "{\"amount\":" + amount + "}");
    }

    /** Sends each event in order and waits until the broker has all of them. */
    void send(String topic, List<Event> events) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (Event e : events) {
            ProducerRecord<String, byte[]> r = EventCodec.toRecord(e);
            acks.add(producer.send(new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value(), r.headers())));
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get(30, TimeUnit.SECONDS);
        }
    }

    void send(String topic, Event... events) throws Exception {
        send(topic, List.of(events));
    }

    /** A record no consumer can decode: no CloudEvents headers at all. */
    void sendPoison(String topic, String key) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, "not an event".getBytes(StandardCharsets.UTF_8)))
                .get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        producer.close();
    }
}
