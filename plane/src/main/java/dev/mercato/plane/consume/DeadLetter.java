package dev.mercato.plane.consume;

import java.time.Instant;
import java.util.UUID;

/**
 * One parked record, as an operator inspects it.
 *
 * @param key the record's key ({@code merchant/aggregate}); parked records of one key form its queue
 * @param sequence the event's sequence, or null for an undecodable record
 * @param eventId the event's id, or null for an undecodable record
 * @param eventType the event's wire type, or null for an undecodable record
 * @param error why it is parked: the last failure, or the reason it waits
 * @param attempts how many times applying it was tried
 */
public record DeadLetter(
        long id,
        int generation,
        String key,
        Reason reason,
        String topic,
        int partition,
        long offset,
        Long sequence,
        UUID eventId,
        String eventType,
        String error,
        int attempts,
        Instant parkedAt,
        Instant lastAttemptAt) {

    public enum Reason {
        /** The view threw on every attempt; the key is blocked behind it. */
        FAILED,
        /** Applying it was not tried: an earlier event of its key is parked. */
        BEHIND,
        /** Not a Mercato event. It has no sequence, so it blocks nothing; discard it once understood. */
        UNDECODABLE
    }
}
