package dev.mercato.payments.provider;

import java.util.Objects;
import java.util.random.RandomGenerator;

/** Decides, per call, whether the simulated network fails it and how. */
@FunctionalInterface
public interface Faults {

    enum Fault {
        NONE,
        /** The request fails before the provider acts. */
        REQUEST_FAILED,
        /** The provider acts, then its answer is lost. */
        ANSWER_LOST
    }

    Faults NONE = (operation, key) -> Fault.NONE;

    /**
     * @param operation {@code authorize}, {@code capture}, {@code void} or {@code refund}
     * @param key the call's idempotency key
     */
    Fault next(String operation, String key);

    /**
     * Fails a share {@code rate} of calls, half of them before the provider acts and half after (the
     * answer lost), drawn from {@code random} so a seeded run fails the same calls.
     */
    static Faults atRate(double rate, RandomGenerator random) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("A failure rate is between 0 and 1, got " + rate);
        }
        Objects.requireNonNull(random, "random");
        if (rate == 0) {
            return NONE;
        }
        return (operation, key) -> {
            // One draw per call, so a seeded sequence does not depend on which branch was taken before.
            double draw = random.nextDouble();
            if (draw >= rate) {
                return Fault.NONE;
            }
            return draw < rate / 2 ? Fault.REQUEST_FAILED : Fault.ANSWER_LOST;
        };
    }
}
