package dev.mercato.plane.kafka;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import tools.jackson.databind.JsonNode;

/**
 * Events as Kafka records in the CloudEvents Kafka protocol binding, binary mode: attributes and
 * extensions in {@code ce_*} headers, the JSON payload as the value. Any CloudEvents consumer reads them
 * (the official SDK's deserializer in {@code EventCodecTest}); structured-mode records are read too.
 */
public final class EventCodec {

    static final String ID = "ce_id";
    static final String SOURCE = "ce_source";
    static final String SPEC = "ce_specversion";
    static final String TYPE = "ce_type";
    static final String TIME = "ce_time";
    static final String SUBJECT = "ce_subject";
    static final String CONTENT_TYPE = "content-type";
    static final String MERCHANT = "ce_merchant";
    static final String AGGREGATE = "ce_aggregateid";
    static final String SEQUENCE = "ce_sequence";
    static final String SCHEMA_VERSION = "ce_schemaversion";
    static final String DATA_SCHEMA = "ce_dataschema";
    static final String STRUCTURED = "application/cloudevents+json";
    // The CloudEvents distributed-tracing extension: the W3C traceparent of the request that wrote the event.
    static final String TRACE = "ce_traceparent";
    // Read only: what records written before the extension carried (an empty or opaque trace id).
    static final String OLD_TRACE = "ce_traceid";

    private EventCodec() {}

    public static ProducerRecord<String, byte[]> toRecord(Event e) {
        Headers h = new RecordHeaders();
        put(h, ID, e.id().toString());
        put(h, SOURCE, e.type().sourceUri());
        put(h, SPEC, Event.SPEC_VERSION);
        put(h, TYPE, e.type().wire());
        put(h, TIME, e.time().toString());
        put(h, SUBJECT, e.aggregateId());
        put(h, CONTENT_TYPE, Event.CONTENT_TYPE);
        put(h, MERCHANT, e.merchant().value());
        put(h, AGGREGATE, e.aggregateId());
        put(h, SEQUENCE, sequence(e.sequence()));
        put(h, SCHEMA_VERSION, Integer.toString(e.schemaVersion()));
        put(h, DATA_SCHEMA, e.type().schemaUri());
        if (!e.traceId().isEmpty()) {
            put(h, TRACE, e.traceId());
        }
        return new ProducerRecord<>(
                e.type().topic(),
                null,
                e.time().toEpochMilli(),
                e.key(),
                e.data().getBytes(StandardCharsets.UTF_8),
                h);
    }

    /**
     * Reads an event back, in binary mode (as this class writes it) or structured mode (the whole event a JSON
     * envelope, content type {@code application/cloudevents+json}, as other CloudEvents producers may write
     * it); fails with a message naming the record when it is not a Mercato event.
     */
    public static Event fromRecord(ConsumerRecord<String, byte[]> r) {
        try {
            Headers h = r.headers();
            if (optional(h, CONTENT_TYPE).startsWith(STRUCTURED)) {
                return structured(r.value());
            }
            String trace = optional(h, TRACE);
            return new Event(
                    UUID.fromString(get(h, ID)),
                    EventType.parse(get(h, TYPE)),
                    Instant.parse(get(h, TIME)),
                    MerchantId.of(get(h, MERCHANT)),
                    get(h, AGGREGATE),
                    Long.parseLong(get(h, SEQUENCE)),
                    trace.isEmpty() ? optional(h, OLD_TRACE) : trace,
                    new String(r.value(), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "Not a Mercato event at " + r.topic() + "-" + r.partition() + "@" + r.offset() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * The CloudEvents sequence extension compares values as strings, so they are zero-padded to the 19 digits
     * of the largest long: "0000000000000000010" sorts after "0000000000000000009", where "10" sorts before
     * "9". Reading takes either form (records written before the padding are unpadded).
     */
    static String sequence(long sequence) {
        String digits = Long.toString(sequence);
        return digits.length() >= 19 || sequence < 0 ? digits : "0".repeat(19 - digits.length()) + digits;
    }

    /** A structured-mode event: attributes and extensions as members, the payload in {@code data}. */
    private static Event structured(byte[] value) {
        JsonNode envelope = EventJson.tree(new String(value, StandardCharsets.UTF_8));
        JsonNode data = envelope.get("data");
        if (data == null || data.isNull()) {
            throw new IllegalArgumentException("structured event without data");
        }
        return new Event(
                UUID.fromString(member(envelope, "id")),
                EventType.parse(member(envelope, "type")),
                Instant.parse(member(envelope, "time")),
                MerchantId.of(member(envelope, "merchant")),
                member(envelope, "aggregateid"),
                Long.parseLong(member(envelope, "sequence")),
                envelope.path("traceparent").asString(""),
                data.isString() ? data.asString() : EventJson.write(data));
    }

    private static String member(JsonNode envelope, String name) {
        JsonNode node = envelope.get(name);
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("missing attribute " + name);
        }
        return node.isString() ? node.asString() : node.toString();
    }

    private static void put(Headers h, String key, String value) {
        h.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String get(Headers h, String key) {
        Header header = h.lastHeader(key);
        if (header == null) {
            throw new IllegalArgumentException("missing header " + key);
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String optional(Headers h, String key) {
        Header header = h.lastHeader(key);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
