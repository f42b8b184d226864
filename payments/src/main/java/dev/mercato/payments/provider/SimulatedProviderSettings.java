package dev.mercato.payments.provider;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * How the simulated provider behaves.
 *
 * @param latencyMin the shortest time the provider takes to act
 * @param latencyMax the longest; each call draws uniformly between the two
 * @param failureRate the share of calls that fail transiently (half before acting, half with the answer lost)
 * @param seed seeds the draws of latency and failures, so a run can be repeated
 * @param amountLimit authorizations above this amount are declined {@code amount-too-large}, in any currency
 */
public record SimulatedProviderSettings(
        Duration latencyMin, Duration latencyMax, double failureRate, long seed, BigDecimal amountLimit) {

    public static final SimulatedProviderSettings DEFAULT = new SimulatedProviderSettings(
            Duration.ofMillis(1), Duration.ofMillis(5), 0.01, 1L, new BigDecimal("10000.00"));

    /** No latency and no failures: for tests that want the provider's rules alone. */
    public static final SimulatedProviderSettings DETERMINISTIC =
            new SimulatedProviderSettings(Duration.ZERO, Duration.ZERO, 0, 1L, new BigDecimal("10000.00"));

    public SimulatedProviderSettings {
        Objects.requireNonNull(latencyMin, "latencyMin");
        Objects.requireNonNull(latencyMax, "latencyMax");
        Objects.requireNonNull(amountLimit, "amountLimit");
        if (latencyMin.isNegative() || latencyMax.compareTo(latencyMin) < 0) {
            throw new IllegalArgumentException(
                    "Provider latency needs 0 <= min <= max, got " + latencyMin + " and " + latencyMax);
        }
        if (!(failureRate >= 0 && failureRate <= 1)) {
            throw new IllegalArgumentException("A failure rate is between 0 and 1, got " + failureRate);
        }
        if (amountLimit.signum() <= 0) {
            throw new IllegalArgumentException("The amount limit must be positive, got " + amountLimit);
        }
    }

    public SimulatedProviderSettings withFailureRate(double rate) {
        return new SimulatedProviderSettings(latencyMin, latencyMax, rate, seed, amountLimit);
    }

    public SimulatedProviderSettings withLatency(Duration min, Duration max) {
        return new SimulatedProviderSettings(min, max, failureRate, seed, amountLimit);
    }
}
