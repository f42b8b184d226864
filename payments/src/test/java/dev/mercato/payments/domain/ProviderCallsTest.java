package dev.mercato.payments.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.payments.PaymentUnavailable;
import dev.mercato.payments.provider.TransientProviderFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProviderCallsTest {

    final List<Duration> slept = new ArrayList<>();
    final ProviderCalls calls =
            new ProviderCalls(new RetryPolicy(4, Duration.ofMillis(5), Duration.ofMillis(20)), slept::add);
    final AtomicInteger made = new AtomicInteger();

    String failingTimes(int failures) {
        if (made.incrementAndGet() <= failures) {
            throw new TransientProviderFailure(TransientProviderFailure.Kind.ANSWER_LOST, "timeout");
        }
        return "answer";
    }

    @Test
    void a_transient_failure_is_retried_with_doubling_backoff_until_the_provider_answers() {
        assertThat(calls.call("authorize p-1", () -> failingTimes(2))).isEqualTo("answer");
        assertThat(made).hasValue(3);
        assertThat(slept).containsExactly(Duration.ofMillis(5), Duration.ofMillis(10));
    }

    @Test
    void after_the_last_attempt_the_caller_learns_the_payment_is_unavailable_and_why() {
        assertThatThrownBy(() -> calls.call("authorize p-1", () -> failingTimes(4)))
                .isInstanceOf(PaymentUnavailable.class)
                .hasMessageContaining("authorize p-1")
                .hasMessageContaining("same payment id is safe")
                .hasCauseInstanceOf(TransientProviderFailure.class);
        assertThat(made).hasValue(4);
        assertThat(slept).containsExactly(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20));
    }

    @Test
    void a_failure_that_is_not_transient_is_not_retried() {
        assertThatThrownBy(() -> calls.call("capture p-1", () -> {
                    made.incrementAndGet();
                    throw new IllegalStateException("refused");
                }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(made).hasValue(1);
        assertThat(slept).isEmpty();
    }

    @Test
    void backoff_stops_doubling_at_its_maximum() {
        var policy = new RetryPolicy(10, Duration.ofMillis(5), Duration.ofMillis(20));
        assertThat(List.of(policy.delayAfter(1), policy.delayAfter(2), policy.delayAfter(3), policy.delayAfter(9)))
                .containsExactly(
                        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(20));
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
