package dev.mercato.plane.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AppliedSignalTest {

    private final AppliedSignal signal = new AppliedSignal();
    private final AtomicLong stored = new AtomicLong();

    @Test
    void a_waiter_is_woken_by_the_apply_of_its_key_not_by_the_deadline() throws Exception {
        CompletableFuture<Boolean> waiting =
                CompletableFuture.supplyAsync(() -> signal.await("m/a", 3, Duration.ofSeconds(30), stored::get));

        // Applies of other keys and of earlier sequences do not end the wait.
        signal.applied("m/b", 9);
        signal.applied("m/a", 2);
        assertThat(waiting).isNotDone();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            signal.applied("m/a", 3);
            return waiting.isDone();
        });

        assertThat(waiting.get(1, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void what_the_store_already_holds_answers_at_once_and_a_sequence_never_applied_times_out() {
        stored.set(5);

        assertThat(signal.await("m/a", 5, Duration.ofSeconds(30), stored::get)).isTrue();
        long began = System.nanoTime();
        assertThat(signal.await("m/a", 6, Duration.ofMillis(200), stored::get)).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void a_generation_swap_makes_waiters_read_the_store_again() throws Exception {
        CompletableFuture<Boolean> waiting =
                CompletableFuture.supplyAsync(() -> signal.await("m/a", 4, Duration.ofSeconds(30), stored::get));

        // The new generation already had it before it became active: no apply signal will come.
        stored.set(4);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            signal.generationChanged();
            return waiting.isDone();
        });

        assertThat(waiting.get(1, TimeUnit.SECONDS)).isTrue();
    }
}
