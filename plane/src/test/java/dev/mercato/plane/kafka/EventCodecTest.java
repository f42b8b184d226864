package dev.mercato.plane.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventType;
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
