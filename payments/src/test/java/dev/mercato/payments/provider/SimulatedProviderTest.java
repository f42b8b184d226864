package dev.mercato.payments.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.payments.provider.Faults.Fault;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The simulated network's failures and the provider's settings; its behaviour is in {@link SimulatedProviderContract}. */
class SimulatedProviderTest {

    @Test
    void a_seeded_failure_rate_fails_about_that_share_of_calls_in_both_ways_and_the_same_calls_every_run() {
        List<Fault> first = draws(Faults.atRate(0.5, new Random(7)));
        List<Fault> second = draws(Faults.atRate(0.5, new Random(7)));

        assertThat(second).isEqualTo(first);
        assertThat(first.stream().filter(f -> f != Fault.NONE).count()).isBetween(400L, 600L);
        assertThat(first).contains(Fault.REQUEST_FAILED, Fault.ANSWER_LOST);
        assertThat(draws(Faults.atRate(0, new Random(7)))).containsOnly(Fault.NONE);
        assertThat(draws(Faults.atRate(1, new Random(7)))).doesNotContain(Fault.NONE);
        assertThatThrownBy(() -> Faults.atRate(1.5, new Random())).isInstanceOf(IllegalArgumentException.class);
    }

    static List<Fault> draws(Faults faults) {
        List<Fault> out = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            out.add(faults.next("authorize", "auth:" + i));
        }
        return out;
    }

    @Test
    void settings_refuse_an_inverted_latency_range_and_a_rate_outside_zero_to_one() {
        assertThatThrownBy(
                        () -> SimulatedProviderSettings.DEFAULT.withLatency(Duration.ofMillis(5), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimulatedProviderSettings.DEFAULT.withFailureRate(-0.1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(SimulatedProviderSettings.DEFAULT.amountLimit()).isEqualByComparingTo(new BigDecimal("10000"));
    }
}
