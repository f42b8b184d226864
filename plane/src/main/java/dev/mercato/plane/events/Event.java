package dev.mercato.plane.events;

import dev.mercato.plane.MerchantId;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One event as every consumer sees it: the CloudEvents 1.0 attributes, Mercato's extensions and the JSON
 * payload. Immutable; carries ids and values, never entities.
 *
 * @param id unique per event; a redelivered event keeps its id
 * @param type the logical type and version
 * @param time when the fact happened (the business transaction's time)
 * @param merchant the tenant (CloudEvents extension {@code merchant})
 * @param aggregateId the aggregate the event is about; also the CloudEvents {@code subject}
 * @param sequence per merchant and aggregate, strictly increasing in commit order and never reused: 1, 2, 3, ...,
 *     except that a stream whose sequence row was forgotten after it went idle resumes higher, with a gap (extension
 *     {@code sequence})
 * @param traceId the request that caused it, or empty (extension {@code traceid})
 * @param data the payload, a JSON object
 */
public record Event(
        UUID id,
        EventType type,
        Instant time,
        MerchantId merchant,
        String aggregateId,
        long sequence,
        String traceId,
        String data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/json";

    public Event {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(merchant, "merchant");
        Objects.requireNonNull(aggregateId, "aggregateId");
        Objects.requireNonNull(data, "data");
        traceId = traceId == null ? "" : traceId;
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence starts at 1, got " + sequence);
        }
    }

    /** The log key: events of one merchant's aggregate land on one partition, in order. */
    public String key() {
        return keyOf(merchant, aggregateId);
    }

    /**
     * What a sequence counts within: one capability's events about one merchant's aggregate. A view that
     * reads several capabilities sees the same aggregate key from each, each with its own sequence.
     */
    public String streamKey() {
        return type.source() + ":" + key();
    }

    public static String keyOf(MerchantId merchant, String aggregateId) {
        return merchant.value() + "/" + aggregateId;
    }

    /** The CloudEvents {@code schemaversion} extension: the payload schema's version. */
    public int schemaVersion() {
        return type.version();
    }
}
