package dev.mercato.orders;

import dev.mercato.inventory.Reservation;
import dev.mercato.payments.PaymentIntent;
import dev.mercato.payments.ProviderLedger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What every capability must hold for an order, given where the order is: the consistency rules across
 * orders, payments (and the provider's own ledger), inventory, fulfillment and the books. Pure: it is given
 * what each capability holds ({@link Facts}, read through their published APIs) and answers what
 * disagrees, with what to do. The operators' consistency check, the concurrency model tests and the
 * crash-loop harness all judge with this one set of rules.
 *
 * <p>While a move is in flight its effects may be partly done, so each capability may hold either what the
 * status before the move needs or what the status after it needs. A move in flight past its lease is
 * reported too: recovery should have finished it.
 */
public final class OrderAudit {

    private OrderAudit() {}

    /** A capability whose holding for the order is compared with the order. */
    public enum Witness {
        PAYMENT,
        LEDGER,
        STOCK,
        PICK_LIST,
        JOURNAL;

        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * What the capabilities hold for one order; only the witnesses in {@code witnesses} are compared.
     *
     * @param moving the order's move in flight, if any
     * @param payment the payment intent (same id as the order), empty when payments has none
     * @param ledger the provider's money movements for the payment, in order
     * @param reservation the reservation (same id as the order), empty when inventory has none
     * @param pickList the pick list's status ({@code open} ... {@code closed}), empty when there is none
     * @param journal the kinds of journal entries booked for the order ({@code capture}, {@code refund})
     */
    public record Facts(
            Order order,
            Optional<OrderMove> moving,
            Optional<PaymentIntent> payment,
            List<ProviderLedger.Entry> ledger,
            Optional<Reservation> reservation,
            Optional<String> pickList,
            List<String> journal,
            Set<Witness> witnesses) {

        public Facts {
            ledger = List.copyOf(ledger);
            journal = List.copyOf(journal);
            witnesses = witnesses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(witnesses));
        }
    }

    /** One disagreement: which capability, what the order needs, what it holds, and what an operator does. */
    public record Finding(
            OrderId order, String orderStatus, String witness, String expected, String actual, String whatToDo) {}

    /** What the capabilities must hold for an order at {@code status}. */
    public record Expected(
            Optional<PaymentIntent.Status> payment,
            Set<Reservation.Status> reservation,
            Map<ProviderLedger.Kind, Integer> ledger,
            String pickList,
            List<String> journal) {}

    /**
     * What an order at {@code status} needs. {@code cancelledFrom} is where a cancelled order was cancelled
     * from (its stock was released if placed, returned if picked); {@code paid} is whether it has a payment
     * (an order of total zero has none).
     */
    public static Expected expected(OrderStatus status, Optional<OrderStatus> cancelledFrom, boolean paid) {
        Optional<PaymentIntent.Status> payment = !paid
                ? Optional.empty()
                : Optional.of(
                        switch (status) {
                            case PLACED, PICKING, PACKED -> PaymentIntent.Status.AUTHORIZED;
                            case SHIPPED, DELIVERED -> PaymentIntent.Status.CAPTURED;
                            case CANCELLED -> PaymentIntent.Status.VOIDED;
                            case REFUNDED -> PaymentIntent.Status.REFUNDED;
                        });
        Set<Reservation.Status> reservation = switch (status) {
            case PLACED -> Set.of(Reservation.Status.CONFIRMED);
            case PICKING, PACKED, SHIPPED, DELIVERED, REFUNDED -> Set.of(Reservation.Status.COMMITTED);
            case CANCELLED ->
                cancelledFrom.isEmpty()
                        ? Set.of(Reservation.Status.RELEASED, Reservation.Status.RETURNED)
                        : cancelledFrom.get() == OrderStatus.PLACED
                                ? Set.of(Reservation.Status.RELEASED)
                                : Set.of(Reservation.Status.RETURNED);
        };
        Map<ProviderLedger.Kind, Integer> ledger = new TreeMap<>();
        if (paid) {
            ledger.put(ProviderLedger.Kind.AUTHORIZATION, 1);
            switch (status) {
                case SHIPPED, DELIVERED -> ledger.put(ProviderLedger.Kind.CAPTURE, 1);
                case CANCELLED -> ledger.put(ProviderLedger.Kind.VOID, 1);
                case REFUNDED -> {
                    ledger.put(ProviderLedger.Kind.CAPTURE, 1);
                    ledger.put(ProviderLedger.Kind.REFUND, 1);
                }
                case PLACED, PICKING, PACKED -> {}
            }
        }
        String pickList = switch (status) {
            case PLACED -> "open";
            case PICKING -> "picked";
            case PACKED -> "packed";
            case SHIPPED -> "shipped";
            case DELIVERED -> "delivered";
            case CANCELLED, REFUNDED -> "closed";
        };
        List<String> journal = !paid
                ? List.of()
                : switch (status) {
                    case SHIPPED, DELIVERED -> List.of("capture");
                    case REFUNDED -> List.of("capture", "refund");
                    case PLACED, PICKING, PACKED, CANCELLED -> List.of();
                };
        return new Expected(payment, reservation, Map.copyOf(ledger), pickList, journal);
    }

    /** Everything that disagrees for one order, judged at {@code now} (for moves past their lease). */
    public static List<Finding> check(Facts facts, Instant now) {
        Order order = facts.order();
        boolean paid = order.total().amount().signum() > 0;
        Optional<OrderStatus> cancelledFrom = order.history().stream()
                .filter(c -> c.to() == OrderStatus.CANCELLED)
                .findFirst()
                .flatMap(Order.StatusChange::from);
        List<Expected> allowed = new ArrayList<>();
        allowed.add(expected(order.status(), cancelledFrom, paid));
        facts.moving()
                .ifPresent(m -> allowed.add(expected(
                        m.to(), m.to() == OrderStatus.CANCELLED ? Optional.of(m.from()) : Optional.empty(), paid)));
        List<Finding> findings = new ArrayList<>();
        String status = order.status().wire()
                + facts.moving().map(m -> " (moving to " + m.to().wire() + ")").orElse("");
        facts.moving()
                .filter(m -> now.isAfter(m.leaseUntil()))
                .ifPresent(m -> findings.add(new Finding(
                        order.id(),
                        status,
                        "orders",
                        "the move to " + m.to().wire() + " finished within its lease (" + m.leaseUntil() + ")",
                        "in flight since " + m.startedAt() + ", attempt " + m.attempts()
                                + (m.lastError().isEmpty() ? "" : ", last error: " + m.lastError()),
                        "Recovery takes it up every recovery interval; if it keeps failing, fix what the last error names"
                                + " (a store or the payment provider down) and it finishes by itself. A refusal after"
                                + " an earlier effect (order-move-stuck) needs the refused capability put right by hand,"
                                + " then recovery finishes the move.")));
        Set<Witness> witnesses = facts.witnesses();
        if (witnesses.contains(Witness.PAYMENT)) {
            String actual = facts.payment().map(p -> wire(p.status())).orElse("none");
            Set<String> wanted = allowed.stream()
                    .map(e -> e.payment().map(OrderAudit::wire).orElse("none"))
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            if (!wanted.contains(actual)) {
                findings.add(new Finding(
                        order.id(),
                        status,
                        Witness.PAYMENT.wire(),
                        String.join(" or ", wanted),
                        actual,
                        "Payment " + order.id() + " disagrees with its order. Check the provider's record of it"
                                + " (GET /api/v1/payments/" + order.id() + "), bring money and order in line by"
                                + " hand (capture, void or refund at the provider, or cancel the order), and report it"
                                + " as a bug: every move of an order is decided before its payment moves."));
            }
        }
        if (witnesses.contains(Witness.LEDGER)) {
            Map<ProviderLedger.Kind, Integer> actual = new TreeMap<>();
            facts.ledger().forEach(e -> actual.merge(e.kind(), 1, Integer::sum));
            boolean twice = actual.values().stream().anyMatch(n -> n > 1);
            if (twice || allowed.stream().noneMatch(e -> e.ledger().equals(actual))) {
                findings.add(new Finding(
                        order.id(),
                        status,
                        Witness.LEDGER.wire(),
                        allowed.stream()
                                .map(e -> String.valueOf(new TreeMap<>(e.ledger())))
                                .collect(Collectors.joining(" or ")),
                        String.valueOf(actual),
                        twice
                                ? "The provider moved money for this payment more than once: pay the extra back at"
                                        + " the provider and report it as a bug (every call carries an idempotency"
                                        + " key, so this must not happen)."
                                : "The provider's ledger and the order disagree: compare the provider's dashboard"
                                        + " with GET /api/v1/payments/" + order.id() + " and settle the payment by"
                                        + " hand."));
            }
        }
        if (witnesses.contains(Witness.STOCK)) {
            String actual = facts.reservation().map(r -> wire(r.status())).orElse("none");
            Set<String> wanted = allowed.stream()
                    .flatMap(e -> e.reservation().stream())
                    .map(OrderAudit::wire)
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            if (!wanted.contains(actual)) {
                findings.add(new Finding(
                        order.id(),
                        status,
                        Witness.STOCK.wire(),
                        String.join(" or ", wanted),
                        actual,
                        "The order's reservation is " + actual + ": on-hand or reserved of its SKUs is off by its"
                                + " quantities. Count the shelf and set on-hand (PUT /api/v1/inventory/{sku}),"
                                + " and report it as a bug."));
            }
        }
        if (witnesses.contains(Witness.PICK_LIST)) {
            String actual = facts.pickList().orElse("none");
            Set<String> wanted =
                    allowed.stream().map(Expected::pickList).collect(Collectors.toCollection(java.util.TreeSet::new));
            if (!wanted.contains(actual)) {
                findings.add(new Finding(
                        order.id(),
                        status,
                        Witness.PICK_LIST.wire(),
                        String.join(" or ", wanted),
                        actual,
                        "The pick list follows the order through the orders log: if the fulfillment view is"
                                + " behind (GET /api/v1/plane/views) wait for it; if it is caught up, the pick list"
                                + " tells the warehouse something the order does not, so hold the parcel and"
                                + " report it as a bug."));
            }
        }
        if (witnesses.contains(Witness.JOURNAL)) {
            List<String> actual = facts.journal().stream().sorted().toList();
            if (allowed.stream()
                    .noneMatch(e -> e.journal().stream().sorted().toList().equals(actual))) {
                findings.add(new Finding(
                        order.id(),
                        status,
                        Witness.JOURNAL.wire(),
                        allowed.stream().map(e -> e.journal().toString()).collect(Collectors.joining(" or ")),
                        actual.toString(),
                        "The books are derived from the payments log: if the accounting view is behind (GET"
                                + " /api/v1/plane/views) wait for it; if it is caught up, rebuild it (POST"
                                + " /api/v1/plane/views/accounting/rebuild) and compare again."));
            }
        }
        return findings;
    }

    private static String wire(Enum<?> status) {
        return status.name().toLowerCase(Locale.ROOT);
    }
}
