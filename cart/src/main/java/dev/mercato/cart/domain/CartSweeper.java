package dev.mercato.cart.domain;

import dev.mercato.cart.Carts;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes expired carts every interval, on its own daemon thread, until closed. */
public final class CartSweeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CartSweeper.class);

    private final ScheduledExecutorService executor;

    private CartSweeper(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    public static CartSweeper start(Carts carts, Duration interval) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("cart-sweeper").daemon(true).factory());
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(() -> sweep(carts), millis, millis, TimeUnit.MILLISECONDS);
        return new CartSweeper(executor);
    }

    private static void sweep(Carts carts) {
        try {
            int swept = carts.sweepExpired();
            if (swept > 0) {
                log.debug("Swept {} expired carts", swept);
            }
        } catch (RuntimeException e) {
            // A failed sweep is retried at the next interval; expired carts stay invisible meanwhile.
            log.warn("Sweeping expired carts failed: {}", e.toString());
        }
    }

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
