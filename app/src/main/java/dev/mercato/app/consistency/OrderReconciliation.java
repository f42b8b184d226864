package dev.mercato.app.consistency;

import dev.mercato.accounting.Books;
import dev.mercato.fulfillment.Fulfillment;
import dev.mercato.fulfillment.PickListStatus;
import dev.mercato.inventory.Inventory;
import dev.mercato.inventory.ReservationId;
import dev.mercato.orders.Order;
import dev.mercato.orders.OrderAudit;
import dev.mercato.orders.OrderAudit.Witness;
import dev.mercato.orders.OrderId;
import dev.mercato.orders.OrderMove;
import dev.mercato.orders.Orders;
import dev.mercato.payments.PaymentId;
import dev.mercato.payments.Payments;
import dev.mercato.payments.ProviderLedger;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.consume.ViewFreshness;
import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.plane.events.ConsistencyToken;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads what every capability holds for the newest orders, through their published APIs only, and judges
 * it with {@link OrderAudit}. Payments, the provider's ledger and stock change with the order's moves, so
 * they are judged for every order. The pick list and the books are derived from the log, so they are
 * judged for an order only once their view has applied the order's newest event (and, for the books, its
 * payment's): a view's own lag can claim more than it knows right after a restart, the per-order check
 * cannot. Orders a view has not reached yet are counted in the report instead of blamed.
 */
public final class OrderReconciliation {

    static final int MAX_ORDERS = 100_000;
    static final int PAGE = 100;
    /** Moves in flight read at once: the most {@link Orders#movesInFlight} returns. */
    static final int MOVES = 100;

    private final Orders orders;
    private final Payments payments;
    private final Optional<ProviderLedger> ledger;
    private final Inventory inventory;
    private final Fulfillment fulfillment;
    private final Books journal;
    private final ViewRuntime views;
    private final Clock clock;

    public OrderReconciliation(
            Orders orders,
            Payments payments,
            Optional<ProviderLedger> ledger,
            Inventory inventory,
            Fulfillment fulfillment,
            Books journal,
            ViewRuntime views,
            Clock clock) {
        this.orders = orders;
        this.payments = payments;
        this.ledger = ledger;
        this.inventory = inventory;
        this.fulfillment = fulfillment;
        this.journal = journal;
        this.views = views;
        this.clock = clock;
    }

    /**
     * @param checked how many orders were read, newest first
     * @param skipped witnesses not judged, and why (a view behind its log, no readable provider ledger)
     * @param moving moves decided and not finished, oldest first, at most {@value #MOVES} (normal for a
     *     moment; a finding once past their lease)
     * @param misowned stock rows not held by their product's merchant
     * @param stockDrift SKUs whose reserved differs from their live reservations
     */
    public record Report(
            Instant checkedAt,
            int checked,
            boolean consistent,
            List<OrderAudit.Finding> findings,
            Map<String, String> skipped,
            List<OrderMove> moving,
            List<Inventory.Misowned> misowned,
            List<Inventory.Drift> stockDrift) {}

    public Report check(int limit) {
        if (limit < 1 || limit > MAX_ORDERS) {
            throw new InvalidInput("limit", "must be 1-" + MAX_ORDERS + ", got " + limit);
        }
        Instant now = clock.instant();
        Map<String, String> skipped = new LinkedHashMap<>();
        Set<Witness> always = EnumSet.of(Witness.PAYMENT, Witness.STOCK);
        if (ledger.isPresent()) {
            always.add(Witness.LEDGER);
        } else {
            skipped.put(Witness.LEDGER.wire(), "the payment provider's ledger is not readable from here");
        }
        Optional<String> pickListsMissing = notRunning(Fulfillment.INTAKE_VIEW);
        Optional<String> booksMissing = notRunning(Books.VIEW);
        pickListsMissing.ifPresent(why -> skipped.put(Witness.PICK_LIST.wire(), why));
        booksMissing.ifPresent(why -> skipped.put(Witness.JOURNAL.wire(), why));
        Map<Witness, Integer> behind = new java.util.EnumMap<>(Witness.class);
        List<OrderMove> inFlight = orders.movesInFlight(MOVES);
        Map<OrderId, OrderMove> moving =
                inFlight.stream().collect(Collectors.toMap(OrderMove::order, Function.identity()));
        // Only when more moves are in flight than one read returns is an order's own move asked for.
        boolean allMoves = inFlight.size() < MOVES;
        List<OrderAudit.Finding> findings = new ArrayList<>();
        int checked = 0;
        Optional<OrderId> after = Optional.empty();
        while (checked < limit) {
            List<Order> page = orders.orders(after, Math.min(PAGE, limit - checked));
            if (page.isEmpty()) {
                break;
            }
            findings.addAll(judge(
                    page, moving, allMoves, always, pickListsMissing.isEmpty(), booksMissing.isEmpty(), behind, now));
            checked += page.size();
            after = Optional.of(page.getLast().id());
        }
        behind.forEach((witness, orders) -> skipped.put(
                witness.wire(),
                orders + " orders whose newest events its view ("
                        + (witness == Witness.PICK_LIST ? Fulfillment.INTAKE_VIEW : Books.VIEW)
                        + ") has not applied yet"));
        List<Inventory.Misowned> misowned = inventory.misowned();
        List<Inventory.Drift> drift = inventory.reconcile();
        return new Report(
                now,
                checked,
                findings.isEmpty() && misowned.isEmpty() && drift.isEmpty(),
                findings,
                skipped,
                inFlight,
                misowned,
                drift);
    }

    private List<OrderAudit.Finding> judge(
            List<Order> page,
            Map<OrderId, OrderMove> moving,
            boolean allMoves,
            Set<Witness> always,
            boolean pickLists,
            boolean books,
            Map<Witness, Integer> behind,
            Instant now) {
        List<OrderId> ids = page.stream().map(Order::id).toList();
        Map<OrderId, PickListStatus> statuses = pickLists ? fulfillment.pickListStatuses(ids) : Map.of();
        Map<String, List<String>> booked =
                books ? journal.kindsByOrder(ids.stream().map(OrderId::value).toList()) : Map.of();
        List<OrderAudit.Finding> findings = new ArrayList<>();
        for (Order order : page) {
            PaymentId payment = PaymentId.of(order.id().value());
            Optional<OrderMove> move = Optional.ofNullable(moving.get(order.id()))
                    .or(() -> allMoves ? Optional.empty() : orders.moveInFlight(order.id()));
            Set<Witness> witnesses = EnumSet.copyOf(always);
            Optional<ConsistencyToken> orderEvent = orders.latestEvent(order);
            if (pickLists) {
                judgeIf(applied(Fulfillment.INTAKE_VIEW, orderEvent), Witness.PICK_LIST, witnesses, behind);
            }
            if (books) {
                boolean applied = applied(Books.VIEW, orderEvent) && applied(Books.VIEW, payments.latestEvent(payment));
                judgeIf(applied, Witness.JOURNAL, witnesses, behind);
            }
            findings.addAll(OrderAudit.check(
                    new OrderAudit.Facts(
                            order,
                            move,
                            payments.find(payment),
                            ledger.map(l -> l.entries(payment)).orElse(List.of()),
                            inventory.reservation(ReservationId.of(order.id().value())),
                            Optional.ofNullable(statuses.get(order.id())).map(PickListStatus::wire),
                            booked.getOrDefault(order.id().value(), List.of()),
                            witnesses),
                    now));
        }
        return findings;
    }

    private static void judgeIf(
            boolean applied, Witness witness, Set<Witness> witnesses, Map<Witness, Integer> behind) {
        if (applied) {
            witnesses.add(witness);
        } else {
            behind.merge(witness, 1, Integer::sum);
        }
    }

    /** Whether {@code view} has applied the event {@code token} names (trivially, when there is none). */
    private boolean applied(String view, Optional<ConsistencyToken> token) {
        return token.map(t -> views.hasApplied(view, t.streamKey(), t.sequence()))
                .orElse(true);
    }

    /** Why a view's copy cannot be judged at all here, or empty when it runs in this process. */
    private Optional<String> notRunning(String view) {
        return views.freshness(view).stream().anyMatch(ViewFreshness::active)
                ? Optional.empty()
                : Optional.of("view " + view + " is not running here");
    }
}
