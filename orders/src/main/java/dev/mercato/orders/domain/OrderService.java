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
import dev.mercato.orders.OrderMove;
import dev.mercato.orders.OrderUpdate;
import dev.mercato.orders.Orders;
import dev.mercato.orders.domain.CheckoutFaults.Point;
import dev.mercato.orders.store.CheckoutRecord;
import dev.mercato.orders.store.JdbcOrders;
import dev.mercato.payments.PaymentId;
import dev.mercato.payments.Payments;
import dev.mercato.plane.Conflict;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.Unavailable;
import dev.mercato.plane.events.ConsistencyToken;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orders' rules: checkout through the saga, and the order state machine with its effects in the
 * capabilities that own them (picking commits the reservation, shipping captures the payment, cancelling
 * voids or refunds and gives stock back).
 *
 * <p>A move is decided before any effect runs: the decision is a row in {@code order_moves}, written under
 * the order's lock, and while it exists no other move of that order can be decided. The effects follow the
 * decision (each idempotent by the order's id), then the status changes with its event. So two conflicting
 * requests never both act: the second waits for the first and decides against what it left, or is refused
 * having changed nothing. A crash between the decision and the end leaves the row, which recovery finishes.
 * See docs/orders.md.
 */
public final class OrderService implements Orders {

    private static final Logger log = LoggerFactory.getLogger(OrderService.class);
    static final int MAX_PAGE = 100;
    private static final Duration MOVE_POLL = Duration.ofMillis(10);

    private final JdbcOrders orders;
    private final CheckoutSaga saga;
    private final Inventory inventory;
    private final Payments payments;
    private final OrdersSettings settings;
    private final Clock clock;
    private final CheckoutFaults faults;
    /** Moves driven by requests of this instance, so a conflicting request here waits without polling. */
    private final Map<OrderId, CompletableFuture<OrderUpdate>> running = new ConcurrentHashMap<>();

    public OrderService(
            JdbcOrders orders,
            CheckoutSaga saga,
            Inventory inventory,
            Payments payments,
            OrdersSettings settings,
            Clock clock,
            CheckoutFaults faults) {
        this.orders = orders;
        this.saga = saga;
        this.inventory = inventory;
        this.payments = payments;
        this.settings = settings;
        this.clock = clock;
        this.faults = faults;
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
        return move(id, new Moves.Request.Step(step), actor);
    }

    @Override
    public OrderUpdate cancel(OrderId id, String actor, boolean refundAfterShipment) {
        return move(id, new Moves.Request.Cancel(refundAfterShipment), actor);
    }

    @Override
    public Optional<ConsistencyToken> latestEvent(Order order) {
        return orders.latestEvent(order);
    }

    @Override
    public Optional<OrderMove> moveInFlight(OrderId id) {
        return orders.moveOf(id);
    }

    @Override
    public List<OrderMove> movesInFlight(int limit) {
        return orders.moves(page(limit));
    }

    /**
     * One request for a move. The decision comes first, under the order's lock ({@link JdbcOrders#begin});
     * if another move of the order is in flight, this request waits for it (up to the move wait), then
     * decides against the status that move left. So of two conflicting requests one is decided first and
     * the other is decided after it, or refused, having changed nothing.
     */
    private OrderUpdate move(OrderId id, Moves.Request request, String actor) {
        long deadline = System.nanoTime() + settings.moveWait().toNanos();
        while (true) {
            JdbcOrders.Begun begun =
                    orders.begin(id, status -> Moves.decide(id, status, request), actor, settings.lease());
            switch (begun) {
                case JdbcOrders.Begun.Started(OrderMove move) -> {
                    return drive(move);
                }
                case JdbcOrders.Begun.Unchanged unchanged -> {
                    return OrderUpdate.unchanged(require(id));
                }
                case JdbcOrders.Begun.Busy(OrderMove other) -> awaitOrTakeOver(other, deadline);
            }
        }
    }

    /**
     * Waits for another request's move to finish: on this instance through its future, elsewhere by polling
     * the order. A move whose lease ran out has lost its request, so this request finishes it first.
     */
    private void awaitOrTakeOver(OrderMove other, long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new Conflict(
                    "order-busy",
                    "Order " + other.order() + " is being moved to "
                            + other.to().wire() + " by another request since " + other.startedAt() + "; retry shortly",
                    Map.of(
                            "moving",
                            other.to().wire(),
                            "since",
                            other.startedAt().toString()));
        }
        CompletableFuture<OrderUpdate> running = this.running.get(other.order());
        if (running != null) {
            try {
                running.get(left, TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // It failed or is slow: the loop reads what the order says now.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unavailable(
                        "order-busy", "interrupted while waiting for another move", Duration.ofSeconds(1));
            }
            return;
        }
        if (!clock.instant().isBefore(other.leaseUntil())) {
            Optional<OrderMove> taken = orders.takeOver(other, settings.lease());
            if (taken.isPresent()) {
                log.info(
                        "Taking over move {} of order {} to {} (lease ran out)", other.id(), other.order(), other.to());
                try {
                    drive(taken.get());
                } catch (Conflict | Unavailable e) {
                    // That move's outcome is its own; this request decides again against what it left.
                }
                return;
            }
        }
        LockSupport.parkNanos(Math.min(left, MOVE_POLL.toNanos()));
    }

    /**
     * Runs a decided move's effects, then finishes it. A refused first effect undoes the decision (nothing
     * changed) and refuses the request; any other failure leaves the move in flight for recovery and answers
     * 503. Safe to run again, by recovery or by a request taking it over: every effect is idempotent.
     */
    private OrderUpdate drive(OrderMove move) {
        CompletableFuture<OrderUpdate> done = new CompletableFuture<>();
        running.put(move.order(), done);
        try {
            OrderUpdate update = effectsThenComplete(move);
            done.complete(update);
            return update;
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
            throw e;
        } finally {
            running.remove(move.order(), done);
        }
    }

    private OrderUpdate effectsThenComplete(OrderMove move) {
        OrderId id = move.order();
        List<Moves.Effect> effects = Moves.effects(move.from(), move.to());
        try {
            faults.at(Point.MOVE_DECIDED, id);
            for (int i = 0; i < effects.size(); i++) {
                try {
                    apply(effects.get(i), id);
                } catch (Conflict refused) {
                    if (i == 0) {
                        // Nothing happened anywhere: the move is dropped and the request refused.
                        orders.abandon(move);
                        throw refused;
                    }
                    // An earlier effect happened: the move can only be finished, never undone.
                    noteError(move, refused);
                    throw stuck(move, refused);
                }
                faults.at(Point.MOVE_EFFECT_DONE, id);
            }
            OrderUpdate update = orders.complete(move).orElseGet(() -> OrderUpdate.unchanged(require(id)));
            faults.at(Point.MOVE_FINISHED, id);
            return effects.stream().anyMatch(Moves.Effect::movesMoney) ? withPaymentEvent(update) : update;
        } catch (CheckoutFaults.Crash | Conflict passOn) {
            throw passOn;
        } catch (RuntimeException e) {
            noteError(move, e);
            throw new Unavailable(
                    "order-move-incomplete",
                    "Order " + id + " is being moved to " + move.to().wire() + " but could not finish right now; it"
                            + " will be finished automatically. Read the order to see where it is.",
                    Duration.ofSeconds(1));
        }
    }

    private void apply(Moves.Effect effect, OrderId id) {
        PaymentId payment = PaymentId.of(id.value());
        ReservationId reservation = ReservationId.of(id.value());
        switch (effect) {
            case COMMIT_STOCK -> inventory.commit(reservation);
            case CAPTURE_PAYMENT -> {
                if (payments.find(payment).isPresent()) {
                    payments.capture(payment);
                }
            }
            case VOID_PAYMENT -> payments.voidAuthorization(payment);
            case RELEASE_STOCK -> inventory.release(reservation, "order-cancelled");
            case RETURN_STOCK -> inventory.restock(reservation);
            case REFUND_PAYMENT -> {
                if (payments.find(payment).isPresent()) {
                    payments.refund(payment);
                }
            }
        }
    }

    private void noteError(OrderMove move, RuntimeException e) {
        log.warn("Move of order {} to {} did not finish, recovery will: {}", move.order(), move.to(), e.toString());
        try {
            orders.noteMoveError(move, e.toString());
        } catch (RuntimeException ignored) {
            // The store is what failed; recovery reads the move when it is back.
        }
    }

    private static Conflict stuck(OrderMove move, Conflict refused) {
        return new Conflict(
                "order-move-stuck",
                "Order " + move.order() + " is being moved to " + move.to().wire()
                        + ", and a later step of that move was"
                        + " refused: " + refused.getMessage() + ". It stays in flight; the consistency check lists it"
                        + " with what to do.",
                Map.of("moving", move.to().wire(), "refused", refused.type()));
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

    private Order require(OrderId id) {
        return orders.find(id).orElseThrow(() -> new NotFound("order", id.value()));
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
        List<OrderMove> stalled;
        do {
            stalled = orders.claimStalledMoves(settings.lease(), 50);
            for (OrderMove move : stalled) {
                try {
                    drive(move);
                    recovered++;
                    log.info(
                            "Finished move {} of order {} to {} (attempt {})",
                            move.id(),
                            move.order(),
                            move.to(),
                            move.attempts());
                } catch (CheckoutFaults.Crash crash) {
                    throw crash;
                } catch (Conflict refused) {
                    recovered++;
                    log.info("Move of order {} to {} ended refused: {}", move.order(), move.to(), refused.getMessage());
                } catch (RuntimeException e) {
                    log.warn("Finishing move of order {} failed, will retry: {}", move.order(), e.toString());
                }
            }
        } while (stalled.size() == 50);
        return recovered;
    }
}
