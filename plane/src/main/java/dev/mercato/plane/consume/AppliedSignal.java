package dev.mercato.plane.consume;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Wakes readers that wait for their own write to reach a view. Only keys someone waits for are tracked,
 * so memory stays bounded by the number of waiters, not of keys. Public for views that run outside the
 * runtime: every derived view answers read-your-writes the same way.
 */
public final class AppliedSignal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Integer> watchers = new HashMap<>();
    private final Map<String, Long> seen = new HashMap<>();
    // Bumped when the active generation changes: what the old one applied says nothing about the new one.
    private long epoch;

    /** The active generation applied {@code sequence} of {@code key}; called once readers can see it. */
    public void applied(String key, long sequence) {
        lock.lock();
        try {
            if (watchers.containsKey(key)) {
                seen.merge(key, sequence, Math::max);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether anyone waits for a write right now (a view may then show what it applied sooner). */
    public boolean watched() {
        lock.lock();
        try {
            return !watchers.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a reader waits for {@code key} right now. */
    public boolean watching(String key) {
        lock.lock();
        try {
            return watchers.containsKey(key);
        } finally {
            lock.unlock();
        }
    }

    public void generationChanged() {
        lock.lock();
        try {
            epoch++;
            seen.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@code stored} (the store's last applied sequence) or a later signal reaches {@code
     * sequence}, or the timeout passes. Returns whether it was reached; false also when interrupted.
     */
    public boolean await(String key, long sequence, Duration timeout, LongSupplier stored) {
        long deadline = System.nanoTime() + timeout.toNanos();
        watch(key);
        try {
            while (true) {
                // Watching before reading the store means no apply between the read and the wait is missed.
                long epochRead = epoch();
                if (stored.getAsLong() >= sequence) {
                    return true;
                }
                lock.lock();
                try {
                    while (seen.getOrDefault(key, 0L) < sequence && epoch == epochRead) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return false;
                        }
                        changed.awaitNanos(left);
                    }
                    if (seen.getOrDefault(key, 0L) >= sequence) {
                        return true;
                    }
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            unwatch(key);
        }
    }

    private long epoch() {
        lock.lock();
        try {
            return epoch;
        } finally {
            lock.unlock();
        }
    }

    private void watch(String key) {
        lock.lock();
        try {
            watchers.merge(key, 1, Integer::sum);
        } finally {
            lock.unlock();
        }
    }

    private void unwatch(String key) {
        lock.lock();
        try {
            if (watchers.merge(key, -1, Integer::sum) <= 0) {
                watchers.remove(key);
                seen.remove(key);
            }
        } finally {
            lock.unlock();
        }
    }
}
