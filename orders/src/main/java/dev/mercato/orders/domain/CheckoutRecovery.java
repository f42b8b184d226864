package dev.mercato.orders.domain;

import dev.mercato.orders.Orders;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes checkouts whose request died with its process: at start-up, then periodically. Several
 * instances may run it; each claims a checkout by extending its lease, so none is run twice at once.
 */
public final class CheckoutRecovery implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CheckoutRecovery.class);

    private final ScheduledExecutorService scheduler;

    private CheckoutRecovery(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    public static CheckoutRecovery start(Orders orders, Duration interval) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("checkout-recovery").daemon(true).unstarted(r));
        scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        int recovered = orders.recover();
                        if (recovered > 0) {
                            log.info("Recovered {} unfinished checkouts", recovered);
                        }
                    } catch (RuntimeException e) {
                        log.warn("Checkout recovery failed, retrying in {}: {}", interval, e.toString());
                    }
                },
                0,
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return new CheckoutRecovery(scheduler);
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
