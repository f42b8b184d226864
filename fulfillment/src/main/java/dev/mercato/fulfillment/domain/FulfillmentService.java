package dev.mercato.fulfillment.domain;

import dev.mercato.fulfillment.Fulfillment;
import dev.mercato.fulfillment.PickList;
import dev.mercato.fulfillment.PickListStatus;
import dev.mercato.fulfillment.Report;
import dev.mercato.fulfillment.events.PickLine;
import dev.mercato.fulfillment.store.JdbcPickLists;
import dev.mercato.orders.FulfillmentStep;
import dev.mercato.orders.Order;
import dev.mercato.orders.OrderId;
import dev.mercato.orders.OrderStatus;
import dev.mercato.orders.OrderUpdate;
import dev.mercato.orders.Orders;
import dev.mercato.plane.Conflict;
import dev.mercato.plane.NotFound;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fulfillment's rules. Two writers are involved in a report, each the single writer of its fact: orders
 * moves the order (and commits the reservation or captures the payment), fulfillment records what the
 * merchant reported. Orders decides first: a report is kept as an invisible intent, orders is asked to
 * move the order (which it decides under the order's lock, so a cancel racing the report either wins or
 * loses whole), and only a move orders made is recorded here (step row, pick list, event). A refusal drops
 * the intent: the losing report changed nothing anywhere. A request that dies between orders' move and the
 * record leaves the intent, which the next report on the order, the same report retried, or the periodic
 * drive turns into the record once orders shows the move, or drops if orders never made it.
 */
public final class FulfillmentService implements Fulfillment {

    private static final Logger log = LoggerFactory.getLogger(FulfillmentService.class);
    /** A report left waiting this long is taken to be a crashed request, not one still running. */
    static final Duration DRIVE_AFTER = Duration.ofSeconds(10);

    private final JdbcPickLists pickLists;
    private final Orders orders;
    private final Clock clock;

    public FulfillmentService(JdbcPickLists pickLists, Orders orders, Clock clock) {
        this.pickLists = pickLists;
        this.orders = orders;
        this.clock = clock;
    }

    @Override
    public Optional<PickList> pickList(OrderId order) {
        return pickLists.find(order.value());
    }

    @Override
    public Map<OrderId, PickListStatus> pickListStatuses(Collection<OrderId> orders) {
        Map<OrderId, PickListStatus> statuses = new HashMap<>();
        pickLists
                .statuses(orders.stream().map(OrderId::value).toList())
                .forEach((id, status) -> statuses.put(OrderId.of(id), status));
        return statuses;
    }

    @Override
    public OrderUpdate report(Report report) {
        Order order = orders.order(report.order())
                .orElseThrow(() -> new NotFound("order", report.order().value()));
        PickList pickList = pickLists.find(order.id().value()).orElseGet(() -> createFrom(order));
        FulfillmentStep step = report.step();
        if (pickList.status() == PickListStatus.CLOSED) {
            throw illegal(
                    current(order), step, "was " + pickList.closedReason().orElse("closed") + " and is not fulfilled");
        }
        String id = order.id().value();
        // An earlier report on this order whose request died comes first, so its record is not lost.
        for (JdbcPickLists.Intent earlier : pickLists.intentsOf(id)) {
            if (earlier.step() != step) {
                settle(earlier);
            }
        }
        pickLists.intend(id, step, report.actor(), report.carrier(), report.trackingNumber());
        OrderUpdate update;
        try {
            update = orders.advance(order.id(), step, report.actor());
        } catch (Conflict refused) {
            // Orders did not move the order for this report (unless its move is still in flight).
            if (orders.moveInFlight(order.id())
                    .filter(m -> m.to() == step.target())
                    .isEmpty()) {
                pickLists.dropIntent(id, step);
            }
            throw refused;
        }
        pickLists.record(id, order.merchant().value(), step, report.actor(), report.carrier(), report.trackingNumber());
        return update;
    }

    @Override
    public int driveUnadvanced() {
        int driven = 0;
        Instant before = clock.instant().minus(DRIVE_AFTER);
        for (JdbcPickLists.Intent intent : pickLists.intentsBefore(before, 100)) {
            try {
                if (settle(intent)) {
                    driven++;
                }
            } catch (RuntimeException e) {
                log.warn(
                        "Settling report {} of order {} failed, will retry: {}",
                        intent.step().wire(),
                        intent.orderId(),
                        e.toString());
            }
        }
        for (String id : pickLists.withUnadvancedSteps(before, 100)) {
            try {
                driveRecorded(OrderId.of(id));
                driven++;
            } catch (RuntimeException e) {
                log.warn("Driving order {} to its reported steps failed, will retry: {}", id, e.toString());
            }
        }
        return driven;
    }

    /**
     * A report whose request died: recorded if orders made the move (the order passed through the step),
     * dropped if it did not, left alone while orders' own move to the step is in flight (its recovery
     * finishes it first). Returns whether it was settled.
     */
    private boolean settle(JdbcPickLists.Intent intent) {
        OrderId id = OrderId.of(intent.orderId());
        Optional<Order> order = orders.order(id);
        if (order.isEmpty()) {
            pickLists.dropIntent(intent.orderId(), intent.step());
            return true;
        }
        if (orders.moveInFlight(id)
                .filter(m -> m.to() == intent.step().target())
                .isPresent()) {
            return false;
        }
        boolean moved = order.get().history().stream()
                .anyMatch(c -> c.to() == intent.step().target());
        if (moved) {
            pickLists.record(
                    intent.orderId(),
                    order.get().merchant().value(),
                    intent.step(),
                    intent.actor(),
                    intent.carrier(),
                    intent.tracking());
        } else {
            pickLists.dropIntent(intent.orderId(), intent.step());
        }
        return true;
    }

    /** Steps the earlier protocol recorded before a crash kept them from orders: orders follows them. */
    private void driveRecorded(OrderId id) {
        for (FulfillmentStep pending : pickLists.unadvanced(id.value())) {
            String by = pickLists.actorOf(id.value(), pending).orElse("fulfillment");
            try {
                orders.advance(id, pending, by);
            } catch (Conflict refused) {
                if (!pastOrEnded(id, pending)) {
                    throw refused;
                }
                // The order is already there or beyond, or ended: there is nothing left to move.
            }
            pickLists.advanced(id.value(), pending);
        }
    }

    /** Whether the order is at or past the step's status already, or cancelled or refunded. */
    private boolean pastOrEnded(OrderId id, FulfillmentStep step) {
        OrderStatus now = orders.order(id).map(Order::status).orElse(OrderStatus.CANCELLED);
        if (now == OrderStatus.CANCELLED || now == OrderStatus.REFUNDED) {
            return true;
        }
        return now.ordinal() >= step.target().ordinal();
    }

    private PickList createFrom(Order order) {
        if (order.status() == OrderStatus.CANCELLED || order.status() == OrderStatus.REFUNDED) {
            throw illegal(order, null, "was " + order.status().wire() + " and is not fulfilled");
        }
        pickLists.createNow(new JdbcPickLists.Draft(
                order.id().value(),
                order.merchant().value(),
                order.customer().value(),
                order.lines().stream()
                        .map(l -> new PickLine(l.sku().value(), l.title(), l.quantity()))
                        .toList(),
                order.placedAt(),
                "order-read"));
        return pickLists.find(order.id().value()).orElseThrow();
    }

    private Order current(Order order) {
        return orders.order(order.id()).orElse(order);
    }

    private static Conflict illegal(Order order, FulfillmentStep step, String why) {
        return new Conflict(
                "illegal-transition",
                "Order " + order.id() + " " + why,
                step == null
                        ? Map.of("status", order.status().wire())
                        : Map.of(
                                "status",
                                order.status().wire(),
                                "requested",
                                step.target().wire()));
    }
}
