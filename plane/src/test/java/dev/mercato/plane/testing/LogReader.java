package dev.mercato.plane.testing;

import dev.mercato.plane.events.Event;
import dev.mercato.plane.kafka.EventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic from the start, for tests that check what reached the log. */
public final class LogReader {

    private LogReader() {}

    /** Every event in the topic, in offset order per partition, polling until {@code atLeast} or the deadline. */
    public static List<Event> readAll(String bootstrap, String topic, int atLeast, Duration deadline) {
        try (var consumer = fromStart(bootstrap, topic)) {
            List<Event> events = new ArrayList<>();
            long end = System.nanoTime() + deadline.toNanos();
            while (events.size() < atLeast && System.nanoTime() < end) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    events.add(EventCodec.fromRecord(r));
                }
            }
            // One more short poll: anything beyond the expected count (duplicates) shows up too.
            for (var r : consumer.poll(Duration.ofMillis(300))) {
                events.add(EventCodec.fromRecord(r));
            }
            return events;
        }
    }

    /**
     * Every event the topic holds now, up to the end offsets taken when it starts: for a topic other tests
     * also write to, where a count of events says nothing about which ones were read.
     */
    public static List<Event> readToEnd(String bootstrap, String topic, Duration deadline) {
        try (var consumer = fromStart(bootstrap, topic)) {
            Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
            List<Event> events = new ArrayList<>();
            long end = System.nanoTime() + deadline.toNanos();
            while (System.nanoTime() < end
                    && ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    events.add(EventCodec.fromRecord(r));
                }
            }
            return events;
        }
    }

    /** A consumer of no group, assigned every partition of the topic, at the beginning of each. */
    private static KafkaConsumer<String, byte[]> fromStart(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
