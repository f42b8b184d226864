package dev.mercato.payments.domain;

import java.time.Duration;
import java.util.Objects;

/**
 * How payments retries a provider call that failed transiently, always with the same idempotency key.
 *
 * @param attempts calls in all, the first included
 * @param backoff the wait before the first retry; it doubles for each next one
 * @param maxBackoff the longest wait between two attempts
 */
public record RetryPolicy(int attempts, Duration backoff, Duration maxBackoff) {

    /** Four attempts within about 35 ms: a blip is absorbed, a provider that is down is reported fast. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(5), Duration.ofMillis(20));

    public RetryPolicy {
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (attempts < 1) {
            throw new IllegalArgumentException("At least one attempt is needed, got " + attempts);
        }
        if (backoff.isNegative() || maxBackoff.compareTo(backoff) < 0) {
            throw new IllegalArgumentException(
                    "Retry backoff needs 0 <= backoff <= max, got " + backoff + " and " + maxBackoff);
        }
    }

    /** The wait after failed attempt {@code n} (1-based) before the next one. */
    Duration delayAfter(int attempt) {
        Duration delay = backoff;
        for (int i = 1; i < attempt && delay.compareTo(maxBackoff) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
    }
}
