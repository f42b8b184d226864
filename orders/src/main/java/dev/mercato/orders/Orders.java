package dev.mercato.orders;

import dev.mercato.customers.CustomerId;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.ConsistencyToken;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The orders capability's published API: checkout, the orders it places, and their state machine.
 *
 * <p>Checkout is a saga over other capabilities, each step idempotent and keyed by the order id: stock is
 * reserved (with an expiry), the payment authorized, the reservation confirmed, the cart converted, and
 * the order placed with its event in one local transaction. A failure compensates (reservation released,
 * authorization voided); a crash is recovered from the checkout record on restart, forward when the order
 * can still complete, backward otherwise. Prices and stock always come from catalog and inventory, never
 * from a derived view.
 */
public interface Orders {

    /**
     * Checks a cart out. Returns the stored answer for a key already used by this customer (same status and
     * body); concurrent requests with one key produce one order. Refusals before anything was recorded
     * (unknown cart, empty cart) are thrown, not stored: nothing was executed. So is {@code
     * checkout-overloaded} ({@link dev.mercato.plane.Unavailable}): more checkouts are running than this
     * instance admits, and the request was turned away before any store was read; a key already decided
     * still gets its stored answer.
     */
    CheckoutResponse checkout(CheckoutRequest request);

    Optional<Order> order(OrderId id);

    /** A customer's orders, newest first, starting after {@code after}. */
    List<Order> ordersOf(CustomerId customer, Optional<OrderId> after, int limit);

    /** A merchant's orders, newest first, starting after {@code after}. */
    List<Order> ordersFor(MerchantId merchant, Optional<OrderId> after, int limit);

    /** Every order, newest first (admins). */
    List<Order> orders(Optional<OrderId> after, int limit);

    /**
     * Moves an order through fulfillment. Repeating the step it is at returns it unchanged; skipping ahead or
     * going back is refused ({@code illegal-transition}). Picking commits the reservation, shipping captures
     * the payment; a refused capture or commit refuses the step with nothing changed.
     *
     * <p>Every move of one order (these steps, {@link #cancel}, recovery's) is linearizable: it is decided
     * under the order's lock before any effect runs, and a request that finds another move in flight waits
     * for it and then decides against the status it left ({@code order-busy} if it waits too long). A move
     * that could not finish (503 {@code order-move-incomplete}) is finished by {@link #recover}.
     */
    OrderUpdate advance(OrderId id, FulfillmentStep step, String actor);

    /**
     * Cancels an order: before shipment the authorization is voided and the stock given back; after
     * shipment ({@code refundAfterShipment}, admins only) the payment is refunded. Idempotent; linearizable
     * with every other move of the order, like {@link #advance}.
     */
    OrderUpdate cancel(OrderId id, String actor, boolean refundAfterShipment);

    /**
     * The consistency token of the order's newest event (placed, or its latest move): a derived view that
     * has applied it has seen everything orders says of the order.
     */
    Optional<ConsistencyToken> latestEvent(Order order);

    /** The move of this order that is decided and not finished, if any. */
    Optional<OrderMove> moveInFlight(OrderId id);

    /** Moves decided and not finished, oldest first: what the consistency check and operators look at. */
    List<OrderMove> movesInFlight(int limit);

    /**
     * Orders placed per merchant and UTC day from {@code from} to {@code to} (inclusive), whatever their
     * status now, for reconciling derived copies (the warehouse) with the source of truth.
     */
    List<DailyTotal> dailyTotals(LocalDate from, LocalDate to);

    /**
     * Finishes checkouts and order moves a crash left unfinished; returns how many. Runs at start-up and
     * periodically.
     */
    int recover();
}
