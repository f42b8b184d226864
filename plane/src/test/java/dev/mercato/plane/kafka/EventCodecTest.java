package dev.mercato.plane.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.kafka.CloudEventDeserializer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The Kafka binary binding of an event, as any CloudEvents consumer reads it. */
class EventCodecTest {

    private static Event event(long sequence) {
        return new Event(
                UUID.randomUUID(),
                EventType.of("orders", "order-placed", 1),
                Instant.parse("2026-12-06T10:15:30.123456Z"),
                MerchantId.of("shop-1"),
                "order-1",
                sequence,
                "",
                "{\"total\":\"10.00\"}");
    }

    private static ConsumerRecord<String, byte[]> delivered(ProducerRecord<String, byte[]> sent) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(sent.topic(), 0, 7, sent.key(), sent.value());
        sent.headers().forEach(h -> record.headers().add(h));
        return record;
    }

    private static String header(ProducerRecord<String, byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void the_sequence_extension_sorts_as_a_string_in_sequence_order_and_reads_back() {
        List<String> written = new ArrayList<>();
        for (long s : new long[] {1, 9, 10, 99, 100, 12_345, Long.MAX_VALUE}) {
            var record = EventCodec.toRecord(event(s));
            written.add(header(record, EventCodec.SEQUENCE));
            assertThat(EventCodec.fromRecord(delivered(record)).sequence()).isEqualTo(s);
        }
        assertThat(written).isSorted().allMatch(v -> v.length() == 19);
        assertThat(written.getFirst()).isEqualTo("0000000000000000001");
    }

    @Test
    void the_official_cloudevents_sdk_reads_every_attribute_and_extension() {
        Event event = new Event(
                UUID.randomUUID(),
                EventType.of("orders", "order-placed", 1),
                Instant.parse("2026-12-06T10:15:30.123456Z"),
                MerchantId.of("shop-1"),
                "order-1",
                7,
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "{\"total\":\"10.00\"}");
        var record = EventCodec.toRecord(event);
        try (var deserializer = new CloudEventDeserializer()) {
            CloudEvent read = deserializer.deserialize(record.topic(), record.headers(), record.value());
            assertThat(read.getSpecVersion()).isEqualTo(SpecVersion.V1);
            assertThat(read.getId()).isEqualTo(event.id().toString());
            assertThat(read.getSource()).hasToString("/mercato/orders");
            assertThat(read.getType()).isEqualTo("orders.order-placed.v1");
            assertThat(read.getTime().toInstant()).isEqualTo(event.time());
            assertThat(read.getSubject()).isEqualTo("order-1");
            assertThat(read.getDataContentType()).isEqualTo("application/json");
            assertThat(read.getDataSchema())
                    .hasToString("https://mercato.dev/schemas/events/orders/order-placed.v1.schema.json");
            assertThat(read.getExtension("sequence")).isEqualTo("0000000000000000007");
            assertThat(read.getExtension("traceparent")).isEqualTo(event.traceId());
            assertThat(read.getExtension("merchant")).isEqualTo("shop-1");
            assertThat(read.getExtension("aggregateid")).isEqualTo("order-1");
            assertThat(new String(read.getData().toBytes(), StandardCharsets.UTF_8))
                    .isEqualTo(event.data());
        }
    }

    @Test
    void a_structured_mode_record_reads_as_the_same_event() {
        Event event = event(12);
        String envelope = "{\"specversion\":\"1.0\",\"id\":\"" + event.id() + "\",\"source\":\"/mercato/orders\","
                + "\"type\":\"orders.order-placed.v1\",\"time\":\"" + event.time() + "\","
                + "\"subject\":\"order-1\",\"datacontenttype\":\"application/json\","
                + "\"merchant\":\"shop-1\",\"aggregateid\":\"order-1\",\"sequence\":\"0000000000000000012\","
                + "\"data\":" + event.data() + "}";
        ConsumerRecord<String, byte[]> record =
                new ConsumerRecord<>("orders", 0, 3, event.key(), envelope.getBytes(StandardCharsets.UTF_8));
        record.headers()
                .add("content-type", "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8));
        Event read = EventCodec.fromRecord(record);
        assertThat(read.id()).isEqualTo(event.id());
        assertThat(read.type()).isEqualTo(event.type());
        assertThat(read.time()).isEqualTo(event.time());
        assertThat(read.merchant()).isEqualTo(event.merchant());
        assertThat(read.aggregateId()).isEqualTo("order-1");
        assertThat(read.sequence()).isEqualTo(12);
        assertThat(EventJson.tree(read.data())).isEqualTo(EventJson.tree(event.data()));
    }

    @Test
    void a_record_written_before_the_padding_reads_the_same() {
        var record = EventCodec.toRecord(event(42));
        record.headers().remove(EventCodec.SEQUENCE);
        record.headers().add(EventCodec.SEQUENCE, "42".getBytes(StandardCharsets.UTF_8));
        Event read = EventCodec.fromRecord(delivered(record));
        assertThat(read.sequence()).isEqualTo(42);
        assertThat(read.type().wire()).isEqualTo("orders.order-placed.v1");
        assertThat(read.time()).isEqualTo(Instant.parse("2026-12-06T10:15:30.123456Z"));
    }
}
