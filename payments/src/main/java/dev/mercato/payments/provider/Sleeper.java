package dev.mercato.payments.provider;

import java.time.Duration;

/** Waits: the simulated provider's latency and the client's backoff, replaceable so tests do not wait. */
@FunctionalInterface
public interface Sleeper {

    Sleeper REAL = duration -> {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting " + duration, e);
        }
    };

    void sleep(Duration duration);
}
