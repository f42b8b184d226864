package dev.mercato.payments.domain;

import dev.mercato.payments.PaymentId;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises requests for one payment within this process, so concurrent duplicates (a retried checkout,
 * two shipment notices) make one provider call and the others read what it recorded. Striped: a fixed
 * number of locks, so nothing grows with the number of payments; two payments sharing a stripe only wait
 * for each other. Across processes this guard does not reach: there the provider's idempotency keys and
 * the database's conditional writes keep money moving once.
 */
final class PaymentLocks {

    private final ReentrantLock[] stripes;

    PaymentLocks(int stripes) {
        this.stripes = new ReentrantLock[stripes];
        for (int i = 0; i < stripes; i++) {
            this.stripes[i] = new ReentrantLock();
        }
    }

    /** Held until closed. */
    Held lock(PaymentId id) {
        ReentrantLock lock = stripes[Math.floorMod(id.value().hashCode(), stripes.length)];
        lock.lock();
        return lock::unlock;
    }

    interface Held extends AutoCloseable {
        @Override
        void close();
    }
}
