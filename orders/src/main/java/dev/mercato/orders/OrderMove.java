package dev.mercato.orders;

import java.time.Instant;

/**
 * A move of an order that is decided and not finished yet: its effects in other capabilities (stock,
 * payment) are under way, and until it finishes no other move of the order can be decided. Normally it
 * lasts milliseconds; one whose request died is finished by recovery once its lease has run out.
 *
 * @param id tells this move from an earlier or later one of the same order
 * @param attempts how many times it was taken up (1 for the request that decided it)
 * @param lastError why the last attempt did not finish it; empty when none failed
 */
public record OrderMove(
        OrderId order,
        String id,
        OrderStatus from,
        OrderStatus to,
        String actor,
        String reason,
        Instant startedAt,
        Instant leaseUntil,
        int attempts,
        String lastError) {}
