package dev.mercato.plane;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A housekeeping task run every interval on its own daemon thread until closed: expiring held stock,
 * sweeping carts, recovering checkouts. A failed run is logged and retried at the next interval, since a
 * task that died silently would leave its work undone with nobody knowing.
 */
public final class Periodic implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Periodic.class);

    private final ScheduledExecutorService executor;

    private Periodic(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /**
     * Runs {@code task} after {@code initialDelay}, then {@code interval} after each run ends. The task
     * answers how many things it did; a positive count is logged as {@code done} (e.g. "expired
     * reservations released").
     */
    public static Periodic start(String name, Duration initialDelay, Duration interval, String done, IntSupplier task) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(name).daemon(true).factory());
        executor.scheduleWithFixedDelay(
                () -> {
                    try {
                        int count = task.getAsInt();
                        if (count > 0) {
                            log.info("{}: {} {}", name, count, done);
                        }
                    } catch (RuntimeException e) {
                        log.warn("{} failed, retrying in {}: {}", name, interval, e.toString());
                    }
                },
                initialDelay.toMillis(),
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return new Periodic(executor);
    }

    /** Stops the task; a run in progress is interrupted and waited for, a few seconds at most. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
