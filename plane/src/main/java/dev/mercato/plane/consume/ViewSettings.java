package dev.mercato.plane.consume;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard the runtime tries before parking an event.
 *
 * @param maxAttempts attempts per event, the first included, before it is parked
 * @param initialBackoff the wait after the first failed attempt; it doubles after each further one
 * @param maxBackoff the cap on that wait, also used between retries of the runtime's own bookkeeping
 */
public record ViewSettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public static final ViewSettings DEFAULT = new ViewSettings(5, Duration.ofMillis(100), Duration.ofSeconds(5));

    public ViewSettings {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
        }
    }

    /** The wait after failed attempt {@code attempt} (1-based): initial, doubled each time, capped. */
    Duration backoff(int attempt) {
        Duration d = initialBackoff;
        for (int i = 1; i < attempt && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }
}
