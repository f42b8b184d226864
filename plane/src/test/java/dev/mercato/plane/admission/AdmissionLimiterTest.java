package dev.mercato.plane.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AdmissionLimiterTest {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void never_lets_more_than_its_limit_inside_however_many_threads_push() throws Exception {
        int limit = 4;
        int threads = 32;
        int rounds = 200;
        // A wait far longer than anyone stays inside: every request gets in eventually, none over the limit.
        AdmissionLimiter limiter = new AdmissionLimiter("test", limit, DEADLINE);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger seenByLimiter = new AtomicInteger();
        CyclicBarrier together = new CyclicBarrier(threads);
        List<Future<?>> running = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                running.add(pool.submit(() -> {
                    together.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                    for (int i = 0; i < rounds; i++) {
                        try (AdmissionLimiter.Slot slot = limiter.tryEnter().orElseThrow()) {
                            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            seenByLimiter.accumulateAndGet(limiter.inFlight(), Math::max);
                            Thread.onSpinWait();
                            inside.decrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
        }
        assertThat(most.get()).isBetween(1, limit);
        assertThat(seenByLimiter.get()).isBetween(1, limit);
        assertThat(limiter.admitted()).isEqualTo((long) threads * rounds);
        assertThat(limiter.refused()).isZero();
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void when_full_every_newcomer_is_refused_and_counted_until_a_place_frees() throws Exception {
        int limit = 3;
        AdmissionLimiter limiter = new AdmissionLimiter("test", limit, Duration.ZERO);
        CountDownLatch allInside = new CountDownLatch(limit);
        CountDownLatch leave = new CountDownLatch(1);
        try (ExecutorService holders = Executors.newFixedThreadPool(limit);
                ExecutorService newcomers = Executors.newFixedThreadPool(16)) {
            List<Future<?>> held = new ArrayList<>();
            for (int i = 0; i < limit; i++) {
                held.add(holders.submit(() -> {
                    try (AdmissionLimiter.Slot slot = limiter.tryEnter().orElseThrow()) {
                        allInside.countDown();
                        assertThat(leave.await(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                                .isTrue();
                    }
                    return null;
                }));
            }
            assertThat(allInside.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(limiter.inFlight()).isEqualTo(limit);

            List<Future<Boolean>> tries = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                tries.add(newcomers.submit(() -> {
                    Optional<AdmissionLimiter.Slot> slot = limiter.tryEnter();
                    slot.ifPresent(AdmissionLimiter.Slot::close);
                    return slot.isPresent();
                }));
            }
            for (Future<Boolean> t : tries) {
                assertThat(t.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isFalse();
            }
            assertThat(limiter.refused()).isEqualTo(40);
            assertThat(limiter.inFlight()).isEqualTo(limit);

            leave.countDown();
            for (Future<?> f : held) {
                f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
        }
        assertThat(limiter.inFlight()).isZero();
        try (AdmissionLimiter.Slot again = limiter.tryEnter().orElseThrow()) {
            assertThat(limiter.inFlight()).isEqualTo(1);
        }
        assertThat(limiter.admitted()).isEqualTo(limit + 1);
    }

    /** A thread that asks for a place, counts {@code admitted} down once it has one, and leaves. */
    private static Thread enterAndLeave(AdmissionLimiter limiter, CountDownLatch admitted) {
        return Thread.ofPlatform()
                .start(() -> limiter.tryEnter().ifPresent(slot -> {
                    admitted.countDown();
                    slot.close();
                }));
    }

    @Test
    void a_request_waiting_for_a_place_gets_the_one_freed_during_its_wait() throws Exception {
        AdmissionLimiter limiter = new AdmissionLimiter("test", 1, DEADLINE);
        AdmissionLimiter.Slot first = limiter.tryEnter().orElseThrow();
        CountDownLatch admitted = new CountDownLatch(1);
        Thread waiter = enterAndLeave(limiter, admitted);
        // Parked inside tryEnter, waiting for the place the test holds.
        await().atMost(DEADLINE).until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
        assertThat(admitted.getCount()).isEqualTo(1);

        first.close();

        assertThat(admitted.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        waiter.join(DEADLINE.toMillis());
        assertThat(limiter.refused()).isZero();
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void a_full_line_refuses_as_it_arrives_and_those_waiting_keep_their_turn() throws Exception {
        AdmissionLimiter limiter = new AdmissionLimiter("test", 1, DEADLINE, 1);
        AdmissionLimiter.Slot first = limiter.tryEnter().orElseThrow();
        CountDownLatch admitted = new CountDownLatch(1);
        Thread waiter = enterAndLeave(limiter, admitted);
        await().atMost(DEADLINE).until(() -> limiter.waiting() == 1);

        // The line is full: refused while the one in line still waits (a wait would have lasted DEADLINE).
        assertThat(limiter.tryEnter()).isEmpty();
        assertThat(admitted.getCount()).isEqualTo(1);
        assertThat(limiter.refused()).isEqualTo(1);

        first.close();
        assertThat(admitted.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        waiter.join(DEADLINE.toMillis());
        // With nobody in line, a request waits again and gets the place.
        assertThat(limiter.tryEnter()).isPresent();
    }

    @Test
    void no_line_at_all_refuses_every_request_that_finds_no_place() {
        AdmissionLimiter limiter = new AdmissionLimiter("test", 1, DEADLINE, 0);
        AdmissionLimiter.Slot first = limiter.tryEnter().orElseThrow();
        assertThat(limiter.tryEnter()).isEmpty();
        first.close();
        assertThat(limiter.tryEnter()).isPresent();
        assertThatThrownBy(() -> new AdmissionLimiter("checkout", 1, Duration.ZERO, -1))
                .hasMessageContaining("0 or more waiting");
    }

    @Test
    void an_exception_inside_gives_the_place_back_and_closing_twice_gives_back_one() throws Exception {
        int limit = 2;
        AdmissionLimiter limiter = new AdmissionLimiter("test", limit, Duration.ZERO);
        CyclicBarrier together = new CyclicBarrier(8);
        List<Future<?>> running = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                running.add(pool.submit(() -> {
                    together.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                    for (int i = 0; i < 500; i++) {
                        try (AdmissionLimiter.Slot slot = limiter.tryEnter().orElse(null)) {
                            if (slot != null) {
                                throw new IllegalStateException("failed inside");
                            }
                        } catch (IllegalStateException expected) {
                            // the slot was closed on the way out
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
        }
        assertThat(limiter.inFlight()).isZero();
        assertThat(limiter.admitted() + limiter.refused()).isEqualTo(8 * 500);

        AdmissionLimiter.Slot once = limiter.tryEnter().orElseThrow();
        once.close();
        once.close();
        AdmissionLimiter.Slot a = limiter.tryEnter().orElseThrow();
        AdmissionLimiter.Slot b = limiter.tryEnter().orElseThrow();
        assertThat(limiter.tryEnter())
                .as("a second close must not have made a third place")
                .isEmpty();
        a.close();
        b.close();
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void an_interrupted_wait_is_a_refusal_that_keeps_the_interrupt() {
        AdmissionLimiter limiter = new AdmissionLimiter("test", 1, DEADLINE);
        try (AdmissionLimiter.Slot held = limiter.tryEnter().orElseThrow()) {
            Thread.currentThread().interrupt();
            assertThat(limiter.tryEnter()).isEmpty();
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
            assertThat(limiter.refused()).isEqualTo(1);
        }
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void a_limit_below_one_or_a_negative_wait_is_refused_with_the_setting_named() {
        assertThatThrownBy(() -> new AdmissionLimiter("checkout", 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkout limit must be at least 1");
        assertThatThrownBy(() -> new AdmissionLimiter("checkout", 1, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be negative");
    }

    @Test
    void unlimited_admits_everyone_and_still_counts_who_is_inside() {
        AdmissionLimiter limiter = AdmissionLimiter.unlimited("test");
        List<AdmissionLimiter.Slot> slots = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            slots.add(limiter.tryEnter().orElseThrow());
        }
        assertThat(limiter.inFlight()).isEqualTo(1000);
        slots.forEach(AdmissionLimiter.Slot::close);
        assertThat(limiter.inFlight()).isZero();
        assertThat(limiter.refused()).isZero();
    }
}
