package dev.mercato.plane.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DerivedWorkTest {

    private static final long MS = 1_000_000L;

    @Test
    void without_pressure_records_are_due_at_once_and_under_pressure_only_when_full_or_old_enough() {
        AtomicBoolean busy = new AtomicBoolean();
        DerivedWork work = new DerivedWork(1, Duration.ofMillis(200), busy::get);

        assertThat(work.due(0, false, 0)).isFalse();
        assertThat(work.due(3, false, 0)).isTrue();

        busy.set(true);
        assertThat(work.due(3, false, 10 * MS)).isFalse();
        assertThat(work.due(3, true, 10 * MS)).isTrue();
        assertThat(work.due(3, false, 200 * MS)).isTrue();
        assertThat(work.lingered()).isEqualTo(1);
        assertThat(work.nextCheck(190 * MS)).isEqualTo(Duration.ofMillis(10));
        assertThat(work.nextCheck(0)).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void no_more_rounds_run_at_once_than_the_concurrency_and_a_failing_round_gives_its_slot_back() throws Exception {
        DerivedWork work = new DerivedWork(2, Duration.ZERO, WritePressure.NONE);
        assertThatThrownBy(() -> work.round(() -> {
                    throw new IllegalStateException("view failed");
                }))
                .hasMessage("view failed");

        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch twoInside = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> views = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            views.add(Thread.ofVirtual()
                    .start(() -> work.round(() -> {
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        twoInside.countDown();
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        inside.decrementAndGet();
                        return null;
                    })));
        }
        assertThat(twoInside.await(30, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        for (Thread view : views) {
            view.join(Duration.ofSeconds(30));
        }
        assertThat(most.get()).isEqualTo(2);
        assertThat(inside.get()).isZero();
    }

    @Test
    void settings_that_would_stop_derived_work_are_refused() {
        assertThatThrownBy(() -> new DerivedWork(0, Duration.ZERO, WritePressure.NONE))
                .hasMessageContaining("concurrency");
        assertThatThrownBy(() -> new DerivedWork(1, Duration.ofMillis(-1), WritePressure.NONE))
                .hasMessageContaining("linger");
    }
}
