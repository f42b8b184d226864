package dev.mercato.orders.domain;

import dev.mercato.orders.FulfillmentStep;
import dev.mercato.orders.OrderId;
import dev.mercato.orders.OrderStatus;
import dev.mercato.orders.store.JdbcOrders.Decided;
import dev.mercato.plane.Conflict;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules of an order's moves, apart from any store: what a request asks for from a given status (a move,
 * nothing, or a refusal), and what a move does in the capabilities that own the stock and the money.
 */
final class Moves {

    private Moves() {}

    /** What a caller asks of an order. */
    sealed interface Request {
        /** A merchant reports a fulfillment step. */
        record Step(FulfillmentStep step) implements Request {}

        /** Cancel; after shipment only as a refund, and only when {@code refundAfterShipment}. */
        record Cancel(boolean refundAfterShipment) implements Request {}
    }

    /**
     * What a move does outside orders, in this order. The first effect is the only one that may be refused
     * (the payment provider refuses a capture, the reservation is not there to commit): a refused first
     * effect leaves the move undone, with nothing changed anywhere. Every effect is idempotent by the
     * order's id, so a move taken up again after a crash repeats none of them.
     */
    enum Effect {
        /** Picked: the reservation's units leave on-hand. */
        COMMIT_STOCK,
        /** Shipped: the authorized amount is taken. */
        CAPTURE_PAYMENT,
        /** Cancelled before shipment: the authorization is released. */
        VOID_PAYMENT,
        /** Cancelled before picking: the reserved units are free again. */
        RELEASE_STOCK,
        /** Cancelled after picking: the picked units go back on the shelf. */
        RETURN_STOCK,
        /** Refunded after shipment: the captured amount is paid back. */
        REFUND_PAYMENT;

        boolean movesMoney() {
            return this == CAPTURE_PAYMENT || this == VOID_PAYMENT || this == REFUND_PAYMENT;
        }
    }

    /** Decides {@code request} for an order at {@code status}: empty when there is nothing to do; throws to refuse. */
    static Optional<Decided> decide(OrderId order, OrderStatus status, Request request) {
        return switch (request) {
            case Request.Step(FulfillmentStep step) -> {
                OrderStatus target = step.target();
                if (status == target) {
                    yield Optional.empty();
                }
                if (!status.canBecome(target)) {
                    throw illegal(
                            order, status, target, "cannot be marked " + step.wire() + " while it is " + status.wire());
                }
                yield Optional.of(new Decided(target, step.wire()));
            }
            case Request.Cancel(boolean refundAfterShipment) -> {
                if (status == OrderStatus.CANCELLED || status == OrderStatus.REFUNDED) {
                    yield Optional.empty();
                }
                if (status.shipped()) {
                    if (!refundAfterShipment) {
                        throw illegal(
                                order,
                                status,
                                OrderStatus.CANCELLED,
                                "was " + status.wire() + " and can no longer be cancelled; an admin can refund it");
                    }
                    yield Optional.of(new Decided(OrderStatus.REFUNDED, "refunded after shipment"));
                }
                yield Optional.of(new Decided(OrderStatus.CANCELLED, "cancelled"));
            }
        };
    }

    /** The effects of moving from {@code from} to {@code to}, in the order they run. */
    static List<Effect> effects(OrderStatus from, OrderStatus to) {
        return switch (to) {
            case PICKING -> List.of(Effect.COMMIT_STOCK);
            case SHIPPED -> List.of(Effect.CAPTURE_PAYMENT);
            case CANCELLED ->
                from == OrderStatus.PLACED
                        ? List.of(Effect.VOID_PAYMENT, Effect.RELEASE_STOCK)
                        : List.of(Effect.VOID_PAYMENT, Effect.RETURN_STOCK);
            case REFUNDED -> List.of(Effect.REFUND_PAYMENT);
            case PLACED, PACKED, DELIVERED -> List.of();
        };
    }

    static Conflict illegal(OrderId order, OrderStatus status, OrderStatus to, String why) {
        return new Conflict(
                "illegal-transition",
                "Order " + order + " " + why,
                Map.of("status", status.wire(), "requested", to.wire()));
    }
}
