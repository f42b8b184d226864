package dev.mercato.plane.outbox;

import java.time.Duration;
import java.util.Objects;

/**
 * When a stream's row in {@code outbox_sequences} may be forgotten ({@link SequenceRetention}).
 *
 * @param horizon how long a stream must have appended nothing (and have no outbox row left) before its row goes;
 *     safety does not depend on it, but a forgotten stream resumes with a gap and has no {@link Outbox#latest} token
 * @param batchSize rows deleted per transaction
 */
public record SequenceRetentionSettings(Duration horizon, int batchSize) {

    public static final SequenceRetentionSettings DEFAULT = new SequenceRetentionSettings(Duration.ofDays(30), 1_000);

    public SequenceRetentionSettings {
        Objects.requireNonNull(horizon, "horizon");
        if (horizon.isNegative() || horizon.isZero()) {
            throw new IllegalArgumentException("mercato.plane.sequence-retention must be positive, was " + horizon);
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException(
                    "mercato.plane.sequence-sweep-batch-size must be 1..10000, was " + batchSize);
        }
    }
}
