package dev.mercato.orders.domain;

import dev.mercato.customers.CustomerId;
import dev.mercato.inventory.Inventory;
import dev.mercato.inventory.ReservationId;
import dev.mercato.orders.CheckoutRequest;
import dev.mercato.orders.CheckoutResponse;
import dev.mercato.orders.DailyTotal;
import dev.mercato.orders.FulfillmentStep;
import dev.mercato.orders.Order;
import dev.mercato.orders.OrderId;
import dev.mercato.orders.OrderStatus;
import dev.mercato.orders.OrderUpdate;
import dev.mercato.orders.Orders;
import dev.mercato.orders.store.CheckoutRecord;
import dev.mercato.orders.store.JdbcOrders;
import dev.mercato.payments.PaymentId;
import dev.mercato.payments.Payments;
import dev.mercato.plane.Conflict;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.events.ConsistencyToken;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orders' rules: checkout through the saga, and the order state machine with its side effects in the
 * capabilities that own them (picking commits the reservation, shipping captures the payment, cancelling
 * voids or refunds and gives stock back). Each side effect is idempotent and runs before the move is
 * recorded, so a move retried after a failure does the side effect at most once.
 */
public final class OrderService implements Orders {

    private static final Logger log = LoggerFactory.getLogger(OrderService.class);
    static final int MAX_PAGE = 100;

    private final JdbcOrders orders;
    private final CheckoutSaga saga;
    private final Inventory inventory;
    private final Payments payments;
    private final OrdersSettings settings;

    public OrderService(
            JdbcOrders orders, CheckoutSaga saga, Inventory inventory, Payments payments, OrdersSettings settings) {
        this.orders = orders;
        this.saga = saga;
        this.inventory = inventory;
        this.payments = payments;
        this.settings = settings;
    }

    @Override
    public CheckoutResponse checkout(CheckoutRequest request) {
        return saga.checkout(request);
    }

    @Override
    public Optional<Order> order(OrderId id) {
        return orders.find(id);
    }

    @Override
    public List<Order> ordersOf(CustomerId customer, Optional<OrderId> after, int limit) {
        return orders.byCustomer(customer, after, page(limit));
    }

    @Override
    public List<Order> ordersFor(MerchantId merchant, Optional<OrderId> after, int limit) {
        return orders.byMerchant(merchant, after, page(limit));
    }

    @Override
    public List<DailyTotal> dailyTotals(LocalDate from, LocalDate to) {
        if (from.isAfter(to)) {
            throw new InvalidInput("from", "must not be after to (" + from + " > " + to + ")");
        }
        return orders.dailyTotals(from, to);
    }

    @Override
    public List<Order> orders(Optional<OrderId> after, int limit) {
        return orders.all(after, page(limit));
    }

    private static int page(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidInput("limit", "must be 1-" + MAX_PAGE + ", got " + limit);
        }
        return limit;
    }

    @Override
    public OrderUpdate advance(OrderId id, FulfillmentStep step, String actor) {
        Order order = require(id);
        OrderStatus target = step.target();
        if (order.status() == target) {
            return OrderUpdate.unchanged(order);
        }
        if (!order.status().canBecome(target)) {
            throw illegal(
                    order,
                    target,
                    "cannot be marked " + step.wire() + " while it is "
                            + order.status().wire());
        }
        switch (step) {
            case PICKED -> inventory.commit(ReservationId.of(id.value()));
            case SHIPPED -> capture(order);
            case PACKED, DELIVERED -> {}
        }
        OrderUpdate moved = move(order, target, actor, step.wire());
        return step == FulfillmentStep.SHIPPED ? withPaymentEvent(moved) : moved;
    }

    @Override
    public OrderUpdate cancel(OrderId id, String actor, boolean refundAfterShipment) {
        Order order = require(id);
        if (order.status() == OrderStatus.CANCELLED || order.status() == OrderStatus.REFUNDED) {
            return OrderUpdate.unchanged(order);
        }
        if (order.status().shipped()) {
            if (!refundAfterShipment) {
                throw illegal(
                        order,
                        OrderStatus.CANCELLED,
                        "was " + order.status().wire() + " and can no longer be cancelled; an admin can refund it");
            }
            if (payments.find(PaymentId.of(id.value())).isPresent()) {
                payments.refund(PaymentId.of(id.value()));
            }
            return withPaymentEvent(move(order, OrderStatus.REFUNDED, actor, "refunded after shipment"));
        }
        payments.voidAuthorization(PaymentId.of(id.value()));
        if (order.status() == OrderStatus.PLACED) {
            inventory.release(ReservationId.of(id.value()), "order-cancelled");
        } else {
            // Picked already: the units left on-hand when picked, so they go back on the shelf.
            inventory.restock(ReservationId.of(id.value()));
        }
        return withPaymentEvent(move(order, OrderStatus.CANCELLED, actor, "cancelled"));
    }

    /**
     * Adds the payment's newest event to a move's tokens: the money moved (captured, voided, refunded) is
     * booked by views that read payments, not orders, so a client reading its books back needs that token
     * too. Views that do not read payments skip it.
     */
    private OrderUpdate withPaymentEvent(OrderUpdate update) {
        Optional<ConsistencyToken> payment =
                payments.latestEvent(PaymentId.of(update.order().id().value()));
        if (payment.isEmpty()) {
            return update;
        }
        List<ConsistencyToken> tokens = new ArrayList<>(update.tokens());
        tokens.add(payment.get());
        return new OrderUpdate(update.order(), tokens);
    }

    private void capture(Order order) {
        PaymentId payment = PaymentId.of(order.id().value());
        if (payments.find(payment).isPresent()) {
            payments.capture(payment);
        }
    }

    private OrderUpdate move(Order order, OrderStatus to, String actor, String reason) {
        return orders.transition(order.id(), order.status(), to, actor, reason).orElseGet(() -> {
            // Someone moved it meanwhile: fine if it is where we wanted it, refused otherwise.
            Order now = require(order.id());
            if (now.status() == to) {
                return OrderUpdate.unchanged(now);
            }
            throw illegal(now, to, "moved to " + now.status().wire() + " meanwhile");
        });
    }

    private Order require(OrderId id) {
        return orders.find(id).orElseThrow(() -> new NotFound("order", id.value()));
    }

    private static Conflict illegal(Order order, OrderStatus to, String why) {
        return new Conflict(
                "illegal-transition",
                "Order " + order.id() + " " + why,
                Map.of("status", order.status().wire(), "requested", to.wire()));
    }

    @Override
    public int recover() {
        int recovered = 0;
        List<CheckoutRecord> claimed;
        do {
            claimed = orders.claimUnfinished(settings.lease(), 50);
            for (CheckoutRecord record : claimed) {
                try {
                    saga.recover(record);
                    recovered++;
                    log.info(
                            "Recovered checkout {} (was {}, attempt {})",
                            record.id(),
                            record.state(),
                            record.attempts());
                } catch (RuntimeException e) {
                    log.warn("Recovering checkout {} failed, will retry: {}", record.id(), e.toString());
                }
            }
        } while (claimed.size() == 50);
        return recovered;
    }
}
