package dev.mercato.payments.domain;

import dev.mercato.payments.PaymentUnavailable;
import dev.mercato.payments.provider.Sleeper;
import dev.mercato.payments.provider.TransientProviderFailure;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the provider, retrying transient failures with backoff. The call it retries is the same call: the
 * same idempotency key and parameters, so a retry of a request whose answer was lost gets that answer
 * instead of acting again. When every attempt failed the provider may or may not have acted; the caller
 * gets {@link PaymentUnavailable} and may ask again later with the same payment id.
 */
final class ProviderCalls {

    private static final Logger log = LoggerFactory.getLogger(ProviderCalls.class);

    private final RetryPolicy policy;
    private final Sleeper sleeper;

    ProviderCalls(RetryPolicy policy, Sleeper sleeper) {
        this.policy = policy;
        this.sleeper = sleeper;
    }

    <T> T call(String what, Supplier<T> call) {
        TransientProviderFailure last = null;
        for (int attempt = 1; attempt <= policy.attempts(); attempt++) {
            try {
                return call.get();
            } catch (TransientProviderFailure e) {
                last = e;
                log.debug(
                        "Provider call {} failed (attempt {} of {}): {}",
                        what,
                        attempt,
                        policy.attempts(),
                        e.getMessage());
                if (attempt < policy.attempts()) {
                    var delay = policy.delayAfter(attempt);
                    if (!delay.isZero()) {
                        sleeper.sleep(delay);
                    }
                }
            }
        }
        PaymentUnavailable unavailable = new PaymentUnavailable("The payment provider did not answer " + what
                + " after " + policy.attempts() + " attempts; asking again with the same payment id is safe");
        unavailable.initCause(last);
        throw unavailable;
    }
}
