package dev.mercato.orders.domain;

import dev.mercato.orders.OrderId;

/**
 * Points in the checkout saga and in an order's moves where a test makes the process die, as a crash would: whatever the step
 * before the point committed stays committed, nothing after it happens, and recovery must finish or undo
 * the checkout (or the move) from its record alone.
 */
public interface CheckoutFaults {

    CheckoutFaults NONE = (point, id) -> {};

    enum Point {
        /** The checkout is recorded; nothing is reserved yet. */
        RECORDED,
        /** Stock is held. */
        RESERVED,
        /** The payment is authorized. */
        AUTHORIZED,
        /** The reservation is confirmed: from here on, checkout only goes forward. */
        CONFIRMED,
        /** The cart is converted; the order is not placed yet. */
        CART_CONVERTED,
        /** The order is placed; the answer has not reached the client. */
        PLACED,
        /** A refusal is decided and stored; its compensation has not run. */
        REFUSED,
        /** The authorization is voided; the reservation is not released yet. */
        VOIDED,
        /** An order's move is decided (its row written); none of its effects has run. */
        MOVE_DECIDED,
        /** One effect of an order's move is done (stock or payment); the move is not finished. */
        MOVE_EFFECT_DONE,
        /** An order's move is finished (status and event committed); the answer has not reached the client. */
        MOVE_FINISHED
    }

    /** Throws to simulate a crash at {@code point}. */
    void at(Point point, OrderId checkout);

    /** What a fault throws: a process dying, not an error anyone handles. */
    final class Crash extends RuntimeException {
        public Crash(Point point) {
            super("simulated crash at " + point);
        }
    }
}
