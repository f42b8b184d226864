package dev.mercato.inventory.domain;

import dev.mercato.inventory.Inventory;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases held reservations whose hold passed, so an abandoned checkout gives its units back. Safe on
 * several instances at once: each batch skips rows another instance is expiring.
 */
public final class ReservationSweeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReservationSweeper.class);

    private final ScheduledExecutorService scheduler;

    private ReservationSweeper(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    public static ReservationSweeper start(Inventory inventory, Duration interval) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r ->
                Thread.ofPlatform().name("reservation-sweeper").daemon(true).unstarted(r));
        scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        int expired = inventory.expireDue();
                        if (expired > 0) {
                            log.info("Released {} reservations whose hold expired", expired);
                        }
                    } catch (RuntimeException e) {
                        log.warn("Expiring reservations failed, retrying in {}: {}", interval, e.toString());
                    }
                },
                interval.toMillis(),
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return new ReservationSweeper(scheduler);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
