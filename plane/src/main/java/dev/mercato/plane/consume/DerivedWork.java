package dev.mercato.plane.consume;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The share of the machine derived work may take from the write path. Every view of this process, whatever
 * its store, applies its rounds through one instance:
 *
 * <ul>
 *   <li>at most {@code concurrency} rounds run at once, whatever the number of views: on a 2-core machine
 *       one round at a time, so the views together never hold more than one core and checkout always has
 *       the other;
 *   <li>while the write path is under pressure ({@code writePressure}, e.g. checkouts waiting for
 *       admission or many in flight) a view lets records gather for up to {@code linger} before it applies
 *       them: fewer, larger rounds cost less per event, and the view falls behind (its freshness says so)
 *       instead of competing with writes. Without pressure a record is applied as soon as it arrives.
 * </ul>
 *
 * A view never stops: after {@code linger} it applies what it has, so a long peak makes it late, not
 * stale forever, and it catches up once the peak ends.
 *
 * @param concurrency rounds of derived work allowed at once in this process
 * @param linger the longest a record waits to be batched while the write path is under pressure
 */
public final class DerivedWork {

    private final Semaphore rounds;
    private final Duration linger;
    private final WritePressure writePressure;
    private final AtomicLong waitedNanos = new AtomicLong();
    private final AtomicLong lingered = new AtomicLong();

    public DerivedWork(int concurrency, Duration linger, WritePressure writePressure) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        if (linger.isNegative()) {
            throw new IllegalArgumentException("linger must not be negative, got " + linger);
        }
        this.rounds = new Semaphore(concurrency, true);
        this.linger = linger;
        this.writePressure = Objects.requireNonNull(writePressure, "writePressure");
    }

    /** No limits: every view applies at once whenever it has records (tests, tools, benches of one view). */
    public static DerivedWork unlimited() {
        return new DerivedWork(Integer.MAX_VALUE / 2, Duration.ZERO, WritePressure.NONE);
    }

    /** Half the machine's cores for derived work, at least one, lingering up to 200 ms under pressure. */
    public static DerivedWork forMachine(WritePressure writePressure) {
        int cores = Runtime.getRuntime().availableProcessors();
        return new DerivedWork(Math.max(1, cores / 2), Duration.ofMillis(200), writePressure);
    }

    /**
     * Whether a view holding {@code buffered} records, the oldest received {@code oldestWaitingNanos} ago
     * ({@link System#nanoTime()} based), should apply them now: always without pressure or once {@code
     * full}; under pressure only when the oldest has waited {@code linger}.
     */
    public boolean due(int buffered, boolean full, long oldestWaitingNanos) {
        if (buffered == 0) {
            return false;
        }
        if (full || linger.isZero() || oldestWaitingNanos >= linger.toNanos()) {
            return true;
        }
        boolean pressure = writePressure.high();
        if (pressure) {
            lingered.incrementAndGet();
        }
        return !pressure;
    }

    /** How long a view that is not {@link #due} may wait before asking again. */
    public Duration nextCheck(long oldestWaitingNanos) {
        long left = linger.toNanos() - oldestWaitingNanos;
        return Duration.ofNanos(Math.max(1_000_000, Math.min(left, 50_000_000)));
    }

    /** Runs one round of a view's work when a slot is free; waits for one otherwise. */
    public <T> T round(Supplier<T> work) {
        long began = System.nanoTime();
        rounds.acquireUninterruptibly();
        waitedNanos.addAndGet(System.nanoTime() - began);
        try {
            return work.get();
        } finally {
            rounds.release();
        }
    }

    /** Total time views have waited for a slot, for the metrics. */
    public Duration waited() {
        return Duration.ofNanos(waitedNanos.get());
    }

    /** How many times a view held its records back because the write path was under pressure. */
    public long lingered() {
        return lingered.get();
    }
}
