package dev.mercato.plane.consume;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** A runner's stop flag, and the backoff wait that a stop cuts short so close() never waits it out. */
final class Stopper {

    /** Thrown out of a record's handling when the runner stops; the record stays unapplied. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("view runner stopping", null, false, false);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stopped = lock.newCondition();
    private volatile boolean stopping;

    void stop() {
        lock.lock();
        try {
            stopping = true;
            stopped.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean stopping() {
        return stopping;
    }

    void check() {
        if (stopping) {
            throw new Stopped();
        }
    }

    /** Waits {@code d} unless stopped first; throws {@link Stopped} when stopping. */
    void backoff(Duration d) {
        long left = d.toNanos();
        lock.lock();
        try {
            while (!stopping && left > 0) {
                left = stopped.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        } finally {
            lock.unlock();
        }
        check();
    }
}
