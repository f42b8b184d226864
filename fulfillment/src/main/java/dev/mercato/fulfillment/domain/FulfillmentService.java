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
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fulfillment's rules. Two writers are involved in a report, each the single writer of its fact: fulfillment
 * records what the merchant reported, orders moves the order (and commits the reservation or captures the
 * payment). The report is recorded first, then orders is told; a step is marked advanced once orders has
 * it. A crash between the two leaves a recorded step not yet advanced, which every later call on the order
 * (the same report retried, the next report) and the periodic drive complete first, through orders'
 * idempotent {@link Orders#advance}. The other order (orders first) could capture a payment for a shipment
 * fulfillment never recorded, and a retry could then not tell it had already happened.
 */
public final class FulfillmentService implements Fulfillment {

    private static final Logger log = LoggerFactory.getLogger(FulfillmentService.class);
    /** A report left unadvanced this long is taken to be a crashed request, not one still running. */
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
    public OrderUpdate report(Report report) {
        Order order = orders.order(report.order())
                .orElseThrow(() -> new NotFound("order", report.order().value()));
        PickList pickList = pickLists.find(order.id().value()).orElseGet(() -> createFrom(order));
        Optional<PickListStatus> orderAt = reached(order.status());
        if (orderAt.isPresent()
                && pickList.status() != PickListStatus.CLOSED
                && pickList.status().rank() < orderAt.get().rank()) {
            // Orders moved it without a report here (before fulfillment recorded steps): start from there.
            pickLists.follow(order.id().value(), orderAt.get());
            pickList = pickLists.find(order.id().value()).orElseThrow();
        }
        // Whatever an earlier request recorded but did not get to orders comes first.
        driveRecorded(order.id(), report.actor());
        FulfillmentStep step = report.step();
        PickListStatus target = PickListStatus.after(step);
        PickListStatus at = pickList.status();
        if (at == PickListStatus.CLOSED) {
            throw illegal(
                    current(order), step, "was " + pickList.closedReason().orElse("closed") + " and is not fulfilled");
        }
        if (at != target) {
            if (target.rank() != at.rank() + 1) {
                throw illegal(
                        current(order),
                        step,
                        "cannot be marked " + step.wire() + " while it is "
                                + current(order).status().wire());
            }
            if (!pickLists.record(
                    order.id().value(),
                    order.merchant().value(),
                    at,
                    step,
                    report.actor(),
                    report.carrier(),
                    report.trackingNumber())) {
                // A concurrent report moved it first: answer as that state allows.
                PickListStatus now =
                        pickLists.find(order.id().value()).orElseThrow().status();
                if (now != target) {
                    throw illegal(current(order), step, "moved on meanwhile");
                }
            }
        }
        OrderUpdate update = orders.advance(order.id(), step, report.actor());
        pickLists.advanced(order.id().value(), step);
        return update;
    }

    @Override
    public int driveUnadvanced() {
        int driven = 0;
        for (String id : pickLists.withUnadvancedSteps(clock.instant().minus(DRIVE_AFTER), 100)) {
            try {
                driveRecorded(OrderId.of(id), null);
                driven++;
            } catch (RuntimeException e) {
                log.warn("Driving order {} to its reported steps failed, will retry: {}", id, e.toString());
            }
        }
        return driven;
    }

    private void driveRecorded(OrderId id, String actor) {
        for (FulfillmentStep pending : pickLists.unadvanced(id.value())) {
            String by = actor != null
                    ? actor
                    : pickLists.actorOf(id.value(), pending).orElse("fulfillment");
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

    /** The pick list status an order status stands for, when it is one of fulfillment's steps. */
    private static Optional<PickListStatus> reached(OrderStatus status) {
        return switch (status) {
            case PICKING -> Optional.of(PickListStatus.PICKED);
            case PACKED -> Optional.of(PickListStatus.PACKED);
            case SHIPPED -> Optional.of(PickListStatus.SHIPPED);
            case DELIVERED -> Optional.of(PickListStatus.DELIVERED);
            case PLACED, CANCELLED, REFUNDED -> Optional.empty();
        };
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
