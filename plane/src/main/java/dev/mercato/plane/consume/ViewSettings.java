package dev.mercato.plane.consume;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard the runtime tries before parking an event, and whether other processes run the same views.
 *
 * @param maxAttempts attempts per event, the first included, before it is parked
 * @param initialBackoff the wait after the first failed attempt; it doubles after each further one
 * @param maxBackoff the cap on that wait, also used between retries of the runtime's own bookkeeping
 * @param shared whether other processes may run the same views on the same store (external mode): each
 *     view's consumer group then splits the partitions between them. When not (a process alone on its
 *     store, as in embedded mode), each view's consumer takes every partition itself without joining its
 *     group, so a restart resumes consuming at once instead of waiting for the group to forget the
 *     previous process (up to the session timeout after a crash)
 */
public record ViewSettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff, boolean shared) {

    public static final ViewSettings DEFAULT = new ViewSettings(5, Duration.ofMillis(100), Duration.ofSeconds(5));

    /** Settings for views that other processes may run too (a shared consumer group per view). */
    public ViewSettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        this(maxAttempts, initialBackoff, maxBackoff, true);
    }

    /** These settings for a process that alone runs its views on its store. */
    public ViewSettings alone() {
        return new ViewSettings(maxAttempts, initialBackoff, maxBackoff, false);
    }

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
