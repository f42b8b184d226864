package dev.mercato.plane.consume;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The share of the machine derived work may take from the write path. Every view of this process, whatever
 * its store, applies its rounds through one instance:
 *
 * <ul>
 *   <li>at most {@code concurrency} rounds run at once, whatever the number of views: on a 2-core machine
 *       one round at a time, so the views together never hold more than one core and checkout always has
 *       the other;
 *   <li>while the write path is under pressure ({@code writePressure}, e.g. half of checkout's admission
 *       places taken) derived work gets a {@code share} of that slot's time: a round that took 20 ms with a
 *       share of 0.1 closes the gate to every view for the next 180 ms. Views then fall behind (their
 *       freshness says so) instead of taking capacity from writes, and work the backlog off after the peak
 *       in large rounds, which cost less per event than the small ones they would have applied meanwhile;
 *   <li>between its turns a view lets records gather for up to {@code linger}, so a round under pressure is
 *       a large one;
 *   <li>no view is held back once its oldest waiting record is {@code maxDelay} old: a sustained peak makes
 *       views late by at most that much, never stale without bound.
 * </ul>
 *
 * Without pressure a record is applied as soon as it arrives and no budget applies.
 *
 * @param concurrency rounds of derived work allowed at once in this process
 * @param linger the longest a record waits to be batched while the write path is under pressure
 * @param share the fraction of a slot's time derived work may take while the write path is under pressure,
 *     in (0, 1]; 1 means no budget
 * @param maxDelay the age of a waiting record past which its view applies whatever the pressure
 */
public final class DerivedWork {

    private final Semaphore rounds;
    private final Duration linger;
    private final double share;
    private final Duration maxDelay;
    private final WritePressure writePressure;
    private final LongSupplier nanoTime;
    // Under pressure no round starts before this (System.nanoTime based): the budget the last rounds spent.
    private final AtomicLong closedUntil;
    private final AtomicLong waitedNanos = new AtomicLong();
    private final AtomicLong lingered = new AtomicLong();

    public DerivedWork(int concurrency, Duration linger, double share, Duration maxDelay, WritePressure writePressure) {
        this(concurrency, linger, share, maxDelay, writePressure, System::nanoTime);
    }

    DerivedWork(
            int concurrency,
            Duration linger,
            double share,
            Duration maxDelay,
            WritePressure writePressure,
            LongSupplier nanoTime) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        if (linger.isNegative()) {
            throw new IllegalArgumentException("linger must not be negative, got " + linger);
        }
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("share must be above 0 and at most 1, got " + share);
        }
        if (maxDelay.compareTo(linger) < 0) {
            throw new IllegalArgumentException(
                    "maxDelay (" + maxDelay + ") must not be shorter than linger (" + linger + ")");
        }
        this.rounds = new Semaphore(concurrency, true);
        this.linger = linger;
        this.share = share;
        this.maxDelay = maxDelay;
        this.writePressure = Objects.requireNonNull(writePressure, "writePressure");
        this.nanoTime = nanoTime;
        this.closedUntil = new AtomicLong(nanoTime.getAsLong());
    }

    /** No limits: every view applies at once whenever it has records (tests, tools, benches of one view). */
    public static DerivedWork unlimited() {
        return new DerivedWork(Integer.MAX_VALUE / 2, Duration.ZERO, 1, Duration.ZERO, WritePressure.NONE);
    }

    /**
     * Whether a view holding {@code buffered} records, the oldest in the log for {@code oldestWaitingNanos},
     * should apply them now. Without pressure, always. Under pressure: once the oldest is {@code maxDelay}
     * old; otherwise only while derived work has budget left, and then once {@code full} or once the oldest
     * has waited {@code linger}.
     */
    public boolean due(int buffered, boolean full, long oldestWaitingNanos) {
        if (buffered == 0) {
            return false;
        }
        if (!writePressure.high() || oldestWaitingNanos >= maxDelay.toNanos()) {
            return true;
        }
        if (nanoTime.getAsLong() - closedUntil.get() < 0
                || !(full || linger.isZero() || oldestWaitingNanos >= linger.toNanos())) {
            lingered.incrementAndGet();
            return false;
        }
        return true;
    }

    /**
     * Whether a view whose oldest waiting record is {@code oldestWaitingNanos} old will not be {@link #due}
     * before the budget reopens: the write path is under pressure, derived work has spent its share, and the
     * record is younger than {@code maxDelay}. Such a view need not fetch more meanwhile.
     */
    public boolean holding(long oldestWaitingNanos) {
        return oldestWaitingNanos < maxDelay.toNanos()
                && nanoTime.getAsLong() - closedUntil.get() < 0
                && writePressure.high();
    }

    /** How long a view that is not {@link #due} may wait before asking again. */
    public Duration nextCheck(long oldestWaitingNanos) {
        long left = Math.min(linger.toNanos(), maxDelay.toNanos()) - oldestWaitingNanos;
        long closed = closedUntil.get() - nanoTime.getAsLong();
        if (closed > 0) {
            left = Math.max(left, Math.min(closed, maxDelay.toNanos() - oldestWaitingNanos));
        }
        return Duration.ofNanos(Math.max(1_000_000, Math.min(left, 50_000_000)));
    }

    /**
     * Runs one round of a view's work when a slot is free; waits for one otherwise. A round that ends while
     * the write path is under pressure spends budget: the gate stays closed for its time times {@code
     * (1 - share) / share}.
     */
    public <T> T round(Supplier<T> work) {
        long began = nanoTime.getAsLong();
        rounds.acquireUninterruptibly();
        long started = nanoTime.getAsLong();
        waitedNanos.addAndGet(started - began);
        try {
            return work.get();
        } finally {
            rounds.release();
            long ended = nanoTime.getAsLong();
            if (share < 1 && writePressure.high()) {
                long rest = (long) ((ended - started) * (1 - share) / share);
                closedUntil.accumulateAndGet(ended, (until, now) -> Math.max(until, now) + rest);
            }
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
