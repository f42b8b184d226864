package dev.mercato.plane.admission;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * At most {@link #limit()} requests inside at once; one that finds no place waits at most {@link
 * #admissionWait()} for one, first come first served, and is otherwise refused. At most {@link #maxWaiting()}
 * wait at once: beyond that a request is refused as it arrives, so under a flood the excess costs no wait at
 * all, and the wait is kept for what it is for, a burst of a few arrivals while places free up. The caller
 * holds its place as a {@link Slot} in a try-with-resources block, so an exception cannot leak it.
 *
 * <p>The limit is fixed, taken from settings: what it protects (connection pools, a few cores) has a fixed
 * size per deployment, and a fixed number is one an operator can reason about and a test can pin. An
 * adaptive limit (a gradient or AIMD on observed latency) would follow noise on a shared two-core machine and
 * needs tuning of its own; {@link #inFlight()} and the counters give what one would need to add it later.
 *
 * <p>Plain Java, no framework: {@link #inFlight()} is an {@code IntSupplier} for whoever reads the pressure.
 */
public final class AdmissionLimiter {

    private final String name;
    private final int limit;
    private final Duration admissionWait;
    private final int maxWaiting;
    private final Semaphore places;
    private final LongAdder admitted = new LongAdder();
    private final LongAdder refused = new LongAdder();

    /**
     * @param name what is limited, e.g. {@code checkout}: the meters' tag and the log's word
     * @param limit how many may be inside at once, at least 1
     * @param admissionWait how long a request waits for a place before it is refused; zero refuses at once
     */
    public AdmissionLimiter(String name, int limit, Duration admissionWait) {
        this(name, limit, admissionWait, Integer.MAX_VALUE);
    }

    /**
     * @param name what is limited, e.g. {@code checkout}: the meters' tag and the log's word
     * @param limit how many may be inside at once, at least 1
     * @param admissionWait how long a request waits for a place before it is refused; zero refuses at once
     * @param maxWaiting how many may wait for a place at once, at least 0; a request that finds that many
     *     waiting is refused without waiting
     */
    public AdmissionLimiter(String name, int limit, Duration admissionWait, int maxWaiting) {
        this.name = Objects.requireNonNull(name, "name");
        Objects.requireNonNull(admissionWait, "admissionWait");
        if (limit < 1) {
            throw new IllegalArgumentException(
                    "The " + name + " limit must be at least 1 (a limit of 0 would refuse everything), got " + limit);
        }
        if (admissionWait.isNegative()) {
            throw new IllegalArgumentException(
                    "The " + name + " admission wait must not be negative, got " + admissionWait);
        }
        if (maxWaiting < 0) {
            throw new IllegalArgumentException(
                    "The " + name + " queue must hold 0 or more waiting requests, got " + maxWaiting);
        }
        this.limit = limit;
        this.admissionWait = admissionWait;
        this.maxWaiting = maxWaiting;
        // Fair: a request that waited is admitted before one that just arrived, so nobody waits past the bound
        // while newcomers take the places that free up.
        this.places = new Semaphore(limit, true);
    }

    /** No limit in practice: for tests and tools that drive a capability without admission control. */
    public static AdmissionLimiter unlimited(String name) {
        return new AdmissionLimiter(name, Integer.MAX_VALUE, Duration.ZERO);
    }

    /**
     * A place, within the admission wait, or empty when none freed up (the refusal is counted). An
     * interrupted wait is a refusal too, with the thread's interrupt flag kept.
     */
    public Optional<Slot> tryEnter() {
        boolean entered;
        try {
            // A full line refuses at once; the fair semaphore lets nobody past those already waiting either.
            long wait = places.getQueueLength() >= maxWaiting ? 0 : admissionWait.toNanos();
            entered = places.tryAcquire(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            entered = false;
        }
        if (!entered) {
            refused.increment();
            return Optional.empty();
        }
        admitted.increment();
        return Optional.of(new Slot());
    }

    /** How many requests are inside now. */
    public int inFlight() {
        return limit - places.availablePermits();
    }

    public int limit() {
        return limit;
    }

    /** How many requests wait for a place now (an estimate, as the semaphore gives it). */
    public int waiting() {
        return places.getQueueLength();
    }

    public int maxWaiting() {
        return maxWaiting;
    }

    public Duration admissionWait() {
        return admissionWait;
    }

    public String name() {
        return name;
    }

    /** Requests admitted since start. */
    public long admitted() {
        return admitted.sum();
    }

    /** Requests refused since start: no place freed up within the admission wait. */
    public long refused() {
        return refused.sum();
    }

    @Override
    public String toString() {
        return name + " admission: " + inFlight() + "/" + limit + " in flight, wait " + admissionWait;
    }

    /** A place inside; closing it gives it back. Closing again does nothing. */
    public final class Slot implements AutoCloseable {

        private final AtomicBoolean open = new AtomicBoolean(true);

        private Slot() {}

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                places.release();
            }
        }
    }
}
