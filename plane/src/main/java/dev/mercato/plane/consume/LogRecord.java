package dev.mercato.plane.consume;

import dev.mercato.plane.events.Event;
import java.time.Instant;
import java.util.Objects;

/**
 * One record read from the log: either a decoded event or the reason it could not be decoded, so a
 * poison record is parked instead of stopping its partition.
 *
 * @param key the record's key, or an empty string when it had none
 * @param timestamp the record's timestamp (the event's time for events the relay published)
 * @param event the decoded event, or null when {@code undecodable} says why not
 */
public record LogRecord(
        LogPartition partition, long offset, Instant timestamp, String key, Event event, String undecodable) {

    public LogRecord {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(timestamp, "timestamp");
        key = key == null ? "" : key;
        if ((event == null) == (undecodable == null)) {
            throw new IllegalArgumentException("a record is either an event or undecodable");
        }
    }

    public static LogRecord decoded(LogPartition partition, long offset, Instant timestamp, String key, Event event) {
        return new LogRecord(partition, offset, timestamp, key, Objects.requireNonNull(event, "event"), null);
    }

    public static LogRecord undecodable(
            LogPartition partition, long offset, Instant timestamp, String key, String reason) {
        return new LogRecord(partition, offset, timestamp, key, null, Objects.requireNonNull(reason, "reason"));
    }
}
