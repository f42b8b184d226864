package dev.mercato.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.catalog.Sku;
import dev.mercato.customers.CustomerId;
import dev.mercato.inventory.Reservation;
import dev.mercato.inventory.ReservationId;
import dev.mercato.orders.OrderAudit.Witness;
import dev.mercato.payments.PaymentId;
import dev.mercato.payments.PaymentIntent;
import dev.mercato.payments.ProviderLedger;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OrderAuditTest {

    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    static final OrderId ID = OrderId.next(NOW);
    static final Money TOTAL = Money.of("20.00", "EUR");

    static Order order(OrderStatus status, OrderStatus... path) {
        List<Order.StatusChange> history = new ArrayList<>();
        history.add(new Order.StatusChange(Optional.empty(), OrderStatus.PLACED, "checkout", "", NOW));
        OrderStatus from = OrderStatus.PLACED;
        for (OrderStatus to : path) {
            history.add(new Order.StatusChange(Optional.of(from), to, "test", "", NOW));
            from = to;
        }
        return new Order(
                ID,
                MerchantId.of("acme"),
                CustomerId.of("ada"),
                status,
                List.of(new OrderLine(Sku.of("MUG-1"), "Mug", "home", 2, Money.of("10.00", "EUR"), TOTAL)),
                TOTAL,
                TOTAL,
                Optional.empty(),
                1,
                NOW,
                NOW,
                history);
    }

    static Optional<PaymentIntent> payment(PaymentIntent.Status status) {
        return Optional.of(new PaymentIntent(
                PaymentId.of(ID.value()),
                MerchantId.of("acme"),
                "ada",
                TOTAL,
                status,
                Optional.of("au_1"),
                Optional.empty(),
                NOW,
                NOW));
    }

    static Optional<Reservation> reservation(Reservation.Status status) {
        return Optional.of(new Reservation(
                ReservationId.of(ID.value()),
                MerchantId.of("acme"),
                status,
                List.of(new Reservation.Line(Sku.of("MUG-1"), 2)),
                Optional.empty()));
    }

    static List<ProviderLedger.Entry> ledger(ProviderLedger.Kind... kinds) {
        List<ProviderLedger.Entry> entries = new ArrayList<>();
        for (ProviderLedger.Kind k : kinds) {
            entries.add(new ProviderLedger.Entry(k.name(), k, ID.value(), "au_1", TOTAL, NOW));
        }
        return entries;
    }

    static List<OrderAudit.Finding> check(
            Order order,
            Optional<OrderMove> moving,
            Optional<PaymentIntent> payment,
            List<ProviderLedger.Entry> ledger,
            Optional<Reservation> reservation,
            String pickList,
            List<String> journal) {
        return OrderAudit.check(
                new OrderAudit.Facts(
                        order,
                        moving,
                        payment,
                        ledger,
                        reservation,
                        Optional.ofNullable(pickList),
                        journal,
                        EnumSet.allOf(Witness.class)),
                NOW);
    }

    @Test
    void a_shipped_order_with_its_capture_booked_everywhere_is_consistent() {
        assertThat(check(
                        order(OrderStatus.SHIPPED, OrderStatus.PICKING, OrderStatus.PACKED, OrderStatus.SHIPPED),
                        Optional.empty(),
                        payment(PaymentIntent.Status.CAPTURED),
                        ledger(ProviderLedger.Kind.AUTHORIZATION, ProviderLedger.Kind.CAPTURE),
                        reservation(Reservation.Status.COMMITTED),
                        "shipped",
                        List.of("capture")))
                .isEmpty();
    }

    @Test
    void a_packed_order_whose_payment_was_voided_and_stock_returned_is_reported_in_each_capability() {
        List<OrderAudit.Finding> findings = check(
                order(OrderStatus.PACKED, OrderStatus.PICKING, OrderStatus.PACKED),
                Optional.empty(),
                payment(PaymentIntent.Status.VOIDED),
                ledger(ProviderLedger.Kind.AUTHORIZATION, ProviderLedger.Kind.VOID),
                reservation(Reservation.Status.RETURNED),
                "packed",
                List.of());

        assertThat(findings).extracting(OrderAudit.Finding::witness).containsExactly("payment", "ledger", "stock");
        assertThat(findings).allSatisfy(f -> assertThat(f.whatToDo()).isNotBlank());
    }

    @Test
    void a_second_capture_in_the_providers_ledger_is_a_double_charge() {
        assertThat(check(
                        order(OrderStatus.SHIPPED, OrderStatus.PICKING, OrderStatus.PACKED, OrderStatus.SHIPPED),
                        Optional.empty(),
                        payment(PaymentIntent.Status.CAPTURED),
                        ledger(
                                ProviderLedger.Kind.AUTHORIZATION,
                                ProviderLedger.Kind.CAPTURE,
                                ProviderLedger.Kind.CAPTURE),
                        reservation(Reservation.Status.COMMITTED),
                        "shipped",
                        List.of("capture")))
                .singleElement()
                .satisfies(f -> assertThat(f.whatToDo()).contains("more than once"));
    }

    @Test
    void a_move_in_flight_allows_either_side_until_its_lease_runs_out() {
        Order packed = order(OrderStatus.PACKED, OrderStatus.PICKING, OrderStatus.PACKED);
        OrderMove cancelling = new OrderMove(
                ID,
                "m1",
                OrderStatus.PACKED,
                OrderStatus.CANCELLED,
                "customer:ada",
                "cancelled",
                NOW.minusSeconds(1),
                NOW.plusSeconds(29),
                1,
                "");
        // The void happened, the stock not yet: half way through the move.
        List<OrderAudit.Finding> halfway = check(
                packed,
                Optional.of(cancelling),
                payment(PaymentIntent.Status.VOIDED),
                ledger(ProviderLedger.Kind.AUTHORIZATION, ProviderLedger.Kind.VOID),
                reservation(Reservation.Status.COMMITTED),
                "packed",
                List.of());
        assertThat(halfway).isEmpty();

        OrderMove stalled = new OrderMove(
                ID,
                "m1",
                OrderStatus.PACKED,
                OrderStatus.CANCELLED,
                "customer:ada",
                "cancelled",
                NOW.minus(Duration.ofMinutes(5)),
                NOW.minusSeconds(1),
                3,
                "store down");
        assertThat(check(
                        packed,
                        Optional.of(stalled),
                        payment(PaymentIntent.Status.VOIDED),
                        ledger(ProviderLedger.Kind.AUTHORIZATION, ProviderLedger.Kind.VOID),
                        reservation(Reservation.Status.COMMITTED),
                        "packed",
                        List.of()))
                .singleElement()
                .satisfies(f -> assertThat(f.witness()).isEqualTo("orders"));
    }

    @Test
    void a_cancelled_order_needs_its_stock_released_or_returned_as_it_was_cancelled_from() {
        assertThat(check(
                        order(OrderStatus.CANCELLED, OrderStatus.CANCELLED),
                        Optional.empty(),
                        payment(PaymentIntent.Status.VOIDED),
                        ledger(ProviderLedger.Kind.AUTHORIZATION, ProviderLedger.Kind.VOID),
                        reservation(Reservation.Status.RETURNED),
                        "closed",
                        List.of()))
                .extracting(OrderAudit.Finding::witness)
                .containsExactly("stock");
    }
}
