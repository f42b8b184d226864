package dev.mercato.cart.store;

import dev.mercato.plane.events.Event;
import dev.mercato.plane.outbox.LogPublisher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the events in a cart store's outbox to the log, each cart's in sequence order, at least once:
 * a batch is removed from the outbox only after the log acknowledged all of it, so a relay stopped in
 * between publishes it again and consumers drop the duplicates by sequence. One per process: the store's
 * writes wake it, and it looks anyway every poll interval.
 */
public final class CartOutboxRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CartOutboxRelay.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** A point where tests make the relay fail as a crash would. */
    @FunctionalInterface
    public interface Faults {
        Faults NONE = events -> {};

        void afterPublishBeforeMark(List<Event> events) throws InterruptedException;
    }

    private final CartStore store;
    private final LogPublisher publisher;
    private final Duration pollInterval;
    private final int batchSize;
    private final Faults faults;
    private final Thread thread;
    private final AtomicLong published = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean idle;
    private volatile String lastError = "";

    public CartOutboxRelay(
            CartStore store, LogPublisher publisher, Duration pollInterval, int batchSize, Faults faults) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        this.store = store;
        this.publisher = publisher;
        this.pollInterval = pollInterval;
        this.batchSize = batchSize;
        this.faults = faults;
        this.thread = Thread.ofPlatform().name("cart-outbox-relay").daemon(true).unstarted(this::run);
    }

    public CartOutboxRelay start() {
        store.onAppend(this::wake);
        thread.start();
        return this;
    }

    /** Events this relay has published (and removed from the outbox) since it started. */
    public long published() {
        return published.get();
    }

    /** The last failure, or empty while publishing works. */
    public String lastError() {
        return lastError;
    }

    private void wake() {
        if (idle) {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        Duration backoff = FIRST_BACKOFF;
        while (running) {
            try {
                OutboxBatch batch = store.pending(batchSize);
                if (batch.isEmpty()) {
                    // Idle first, then look once more: a write in between unparks, so no wake is lost.
                    idle = true;
                    batch = store.pending(batchSize);
                    if (batch.isEmpty()) {
                        LockSupport.parkNanos(pollInterval.toNanos());
                        idle = false;
                        continue;
                    }
                    idle = false;
                }
                publisher.publish(batch.events());
                faults.afterPublishBeforeMark(batch.events());
                store.markPublished(batch);
                published.addAndGet(batch.events().size());
                lastError = "";
                backoff = FIRST_BACKOFF;
            } catch (Exception e) {
                idle = false;
                if (!running) {
                    break;
                }
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                log.warn("Cart outbox relay failed, retrying in {} ms: {}", backoff.toMillis(), lastError);
                LockSupport.parkNanos(backoff.toNanos());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /**
     * Stops: a round in progress gets a poll interval (at most a second) to finish and mark its batch,
     * then is interrupted; a batch published but not marked is published again by the next relay.
     */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(Math.min(1000, pollInterval.toMillis()) + 1);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
