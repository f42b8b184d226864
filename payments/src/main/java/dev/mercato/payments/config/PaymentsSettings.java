package dev.mercato.payments.config;

import dev.mercato.payments.domain.RetryPolicy;
import dev.mercato.payments.provider.SimulatedProviderSettings;
import java.math.BigDecimal;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Payments' settings, under {@code mercato.payments}.
 *
 * @param provider how the simulated provider behaves
 * @param retry how payments retries the provider's transient failures
 */
@ConfigurationProperties("mercato.payments")
record PaymentsSettings(
        @DefaultValue Provider provider, @DefaultValue Retry retry) {

    /**
     * @param latencyMin the shortest time a provider call takes to act (a demo may raise it; the checkout
     *     benchmark wants it small)
     * @param latencyMax the longest; each call draws between the two
     * @param failureRate the share of provider calls that fail transiently, half before acting and half with
     *     the answer lost; 0 disables failures
     * @param seed seeds latency and failure draws, so a run can be repeated
     * @param amountLimit authorizations above this amount, in any currency, are declined {@code amount-too-large}
     * @param store where the provider keeps its idempotency answers, authorizations and ledger: {@code
     *     postgres} (schema {@code provider}, surviving the process, shared by instances) or {@code memory}
     *     (forgotten on restart: for a quick demo only, it cannot prove anything across a crash)
     * @param answerRetention how long the answer to an idempotency key is kept; a repeat after that acts
     *     again, so it must be far longer than anything retries a key (checkout recovery: seconds)
     * @param answerSweepInterval how often answers past their retention are deleted
     */
    record Provider(
            @DefaultValue("1ms") Duration latencyMin,
            @DefaultValue("5ms") Duration latencyMax,
            @DefaultValue("0.01") double failureRate,
            @DefaultValue("1") long seed,
            @DefaultValue("10000.00") BigDecimal amountLimit,
            @DefaultValue("postgres") StoreKind store,
            @DefaultValue("7d") Duration answerRetention,
            @DefaultValue("1h") Duration answerSweepInterval) {

        enum StoreKind {
            POSTGRES,
            MEMORY
        }

        Provider {
            if (answerRetention.compareTo(Duration.ofHours(1)) < 0) {
                throw new IllegalArgumentException(
                        "mercato.payments.provider.answer-retention must be at least 1h, got " + answerRetention);
            }
            if (answerSweepInterval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException(
                        "mercato.payments.provider.answer-sweep-interval must be at least 1s, got "
                                + answerSweepInterval);
            }
        }

        SimulatedProviderSettings toSettings() {
            return new SimulatedProviderSettings(latencyMin, latencyMax, failureRate, seed, amountLimit);
        }
    }

    /**
     * @param attempts provider calls in all for one operation, the first included
     * @param backoff the wait before the first retry; it doubles for each next one
     * @param maxBackoff the longest wait between two attempts
     */
    record Retry(
            @DefaultValue("4") int attempts,
            @DefaultValue("5ms") Duration backoff,
            @DefaultValue("20ms") Duration maxBackoff) {

        RetryPolicy toPolicy() {
            return new RetryPolicy(attempts, backoff, maxBackoff);
        }
    }
}
