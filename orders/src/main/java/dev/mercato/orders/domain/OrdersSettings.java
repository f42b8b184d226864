package dev.mercato.orders.domain;

import java.time.Duration;
import java.util.Objects;

/**
 * @param reservationHold how long checkout holds stock before the order is placed; an abandoned checkout
 *     gives its units back after this
 * @param lease how long a running checkout is left to its own request before recovery may take it over
 * @param duplicateWait how long a retried request waits for the first one with its key to finish
 * @param recoveryInterval how often unfinished checkouts and moves are looked for
 * @param moveWait how long a request for an order's move waits for another move of that order to finish
 *     before it is refused with {@code order-busy}
 */
public record OrdersSettings(
        Duration reservationHold,
        Duration lease,
        Duration duplicateWait,
        Duration recoveryInterval,
        Duration moveWait) {

    public static final OrdersSettings DEFAULT = new OrdersSettings(
            Duration.ofMinutes(15),
            Duration.ofSeconds(30),
            Duration.ofSeconds(10),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5));

    public OrdersSettings {
        Objects.requireNonNull(reservationHold, "reservationHold");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(duplicateWait, "duplicateWait");
        Objects.requireNonNull(recoveryInterval, "recoveryInterval");
        Objects.requireNonNull(moveWait, "moveWait");
        if (lease.compareTo(reservationHold) >= 0) {
            throw new IllegalArgumentException("the lease (" + lease + ") must be shorter than the reservation hold ("
                    + reservationHold + "), or recovery could only ever find expired holds");
        }
    }
}
