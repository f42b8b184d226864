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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DerivedWorkTest {

    private static final long MS = 1_000_000L;

    @Test
    void without_pressure_records_are_due_at_once_and_under_pressure_only_when_full_or_old_enough() {
        AtomicBoolean busy = new AtomicBoolean();
        DerivedWork work = new DerivedWork(1, Duration.ofMillis(200), 1, Duration.ofSeconds(30), busy::get);

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
    void under_pressure_a_round_spends_budget_that_closes_the_gate_for_every_view_until_the_share_is_respected() {
        AtomicBoolean busy = new AtomicBoolean(true);
        AtomicLong now = new AtomicLong(1_000 * MS);
        DerivedWork work = new DerivedWork(1, Duration.ZERO, 0.2, Duration.ofSeconds(5), busy::get, now::get);

        assertThat(work.due(10, false, 0)).isTrue();
        // A round of 20 ms at a share of a fifth: no view's round may start for the next 80 ms.
        work.round(() -> now.addAndGet(20 * MS));
        assertThat(work.due(10, false, 0)).isFalse();
        assertThat(work.due(500, true, 0)).isFalse();
        assertThat(work.holding(0)).isTrue();
        assertThat(work.holding(5_000 * MS)).isFalse();
        assertThat(work.nextCheck(0)).isEqualTo(Duration.ofMillis(50));
        now.addAndGet(50 * MS);
        assertThat(work.nextCheck(0)).isEqualTo(Duration.ofMillis(30));
        assertThat(work.due(10, false, 0)).isFalse();
        // The write path calms down: the budget no longer applies.
        busy.set(false);
        assertThat(work.due(10, false, 0)).isTrue();
        assertThat(work.holding(0)).isFalse();
        busy.set(true);
        now.addAndGet(30 * MS);
        assertThat(work.holding(0)).isFalse();
        assertThat(work.due(10, false, 0)).isTrue();
        assertThat(work.lingered()).isEqualTo(3);
    }

    @Test
    void a_view_whose_oldest_record_is_max_delay_old_applies_whatever_the_budget() {
        AtomicLong now = new AtomicLong(0);
        DerivedWork work = new DerivedWork(1, Duration.ofMillis(200), 0.1, Duration.ofSeconds(5), () -> true, now::get);
        work.round(() -> now.addAndGet(1_000 * MS));

        assertThat(work.due(10, true, 4_999 * MS)).isFalse();
        assertThat(work.nextCheck(4_990 * MS)).isEqualTo(Duration.ofMillis(10));
        assertThat(work.due(10, false, 5_000 * MS)).isTrue();
    }

    @Test
    void rounds_without_pressure_spend_no_budget() {
        AtomicBoolean busy = new AtomicBoolean(false);
        AtomicLong now = new AtomicLong(0);
        DerivedWork work = new DerivedWork(1, Duration.ZERO, 0.1, Duration.ofSeconds(5), busy::get, now::get);
        work.round(() -> now.addAndGet(100 * MS));
        busy.set(true);

        assertThat(work.due(1, false, 0)).isTrue();
    }

    @Test
    void no_more_rounds_run_at_once_than_the_concurrency_and_a_failing_round_gives_its_slot_back() throws Exception {
        DerivedWork work = new DerivedWork(2, Duration.ZERO, 1, Duration.ZERO, WritePressure.NONE);
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
        assertThatThrownBy(() -> new DerivedWork(0, Duration.ZERO, 1, Duration.ZERO, WritePressure.NONE))
                .hasMessageContaining("concurrency");
        assertThatThrownBy(() -> new DerivedWork(1, Duration.ofMillis(-1), 1, Duration.ZERO, WritePressure.NONE))
                .hasMessageContaining("linger");
        assertThatThrownBy(() -> new DerivedWork(1, Duration.ZERO, 0, Duration.ZERO, WritePressure.NONE))
                .hasMessageContaining("share");
        assertThatThrownBy(() -> new DerivedWork(1, Duration.ZERO, 1.5, Duration.ZERO, WritePressure.NONE))
                .hasMessageContaining("share");
        assertThatThrownBy(
                        () -> new DerivedWork(1, Duration.ofSeconds(1), 1, Duration.ofMillis(500), WritePressure.NONE))
                .hasMessageContaining("maxDelay");
    }
}
