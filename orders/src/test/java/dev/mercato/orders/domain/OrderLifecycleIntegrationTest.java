package dev.mercato.orders.domain;

import static dev.mercato.orders.domain.Shop.MUG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.customers.CustomerId;
import dev.mercato.inventory.StockLevel;
import dev.mercato.orders.DailyTotal;
import dev.mercato.orders.FulfillmentStep;
import dev.mercato.orders.Order;
import dev.mercato.orders.OrderId;
import dev.mercato.orders.OrderStatus;
import dev.mercato.orders.events.OrderStatusChanged;
import dev.mercato.payments.PaymentId;
import dev.mercato.payments.PaymentIntent;
import dev.mercato.payments.ProviderLedger;
import dev.mercato.payments.provider.SimulatedProviderSettings;
import dev.mercato.plane.Conflict;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrderLifecycleIntegrationTest {

    static final CustomerId ADA = CustomerId.of("ada");

    @TempDir
    Path folder;

    Shop shop;
    OrderId id;

    @BeforeEach
    void placeAnOrder() {
        shop = new Shop(folder, SimulatedProviderSettings.DETERMINISTIC);
        shop.product(MUG, "9.90", 10);
        id = shop.checkout(ADA, shop.cart(ADA, MUG, 3)).orderId().orElseThrow();
    }

    @AfterEach
    void close() {
        shop.close();
    }

    StockLevel mug() {
        return shop.inventory.level(MUG).orElseThrow();
    }

    PaymentIntent.Status payment() {
        return shop.payments.find(PaymentId.of(id.value())).orElseThrow().status();
    }

    Order advance(FulfillmentStep step) {
        return shop.orders.advance(id, step, "merchant:mo").order();
    }

    @Test
    void picking_commits_the_stock_shipping_captures_and_each_move_is_an_event() {
        advance(FulfillmentStep.PICKED);
        assertThat(mug()).extracting(StockLevel::onHand, StockLevel::reserved).containsExactly(7, 0);
        advance(FulfillmentStep.PACKED);
        assertThat(payment()).isEqualTo(PaymentIntent.Status.AUTHORIZED);
        advance(FulfillmentStep.SHIPPED);
        assertThat(payment()).isEqualTo(PaymentIntent.Status.CAPTURED);
        Order delivered = advance(FulfillmentStep.DELIVERED);
        assertThat(delivered.status()).isEqualTo(OrderStatus.DELIVERED);
        assertThat(delivered.history())
                .extracting(Order.StatusChange::to)
                .containsExactly(
                        OrderStatus.PLACED,
                        OrderStatus.PICKING,
                        OrderStatus.PACKED,
                        OrderStatus.SHIPPED,
                        OrderStatus.DELIVERED);
        assertThat(shop.outboxRows(OrderStatusChanged.TYPE.wire())).isEqualTo(4);
        assertThat(shop.inventory.reconcile()).isEmpty();
    }

    @Test
    void daily_totals_count_every_order_placed_that_day_whatever_its_status_now() {
        OrderId second = shop.checkout(ADA, shop.cart(ADA, MUG, 2)).orderId().orElseThrow();
        shop.orders.cancel(second, "customer:ada", false);
        Order first = shop.orders.order(id).orElseThrow();
        LocalDate day = LocalDate.ofInstant(first.placedAt(), ZoneOffset.UTC);

        List<DailyTotal> totals = shop.orders.dailyTotals(day.minusDays(1), day.plusDays(1));

        assertThat(totals).hasSize(1);
        DailyTotal total = totals.getFirst();
        assertThat(total.merchant()).isEqualTo(first.merchant());
        assertThat(total.date()).isEqualTo(day);
        assertThat(total.orders()).isEqualTo(2);
        assertThat(total.total())
                .isEqualByComparingTo(first.total()
                        .amount()
                        .add(shop.orders.order(second).orElseThrow().total().amount()));
        assertThat(shop.orders.dailyTotals(day.plusDays(1), day.plusDays(2))).isEmpty();
        assertThatThrownBy(() -> shop.orders.dailyTotals(day, day.minusDays(1)))
                .isInstanceOf(dev.mercato.plane.InvalidInput.class);
    }

    @Test
    void repeating_a_step_changes_nothing_and_skipping_or_going_back_is_refused() {
        advance(FulfillmentStep.PICKED);
        advance(FulfillmentStep.PICKED);
        assertThat(shop.outboxRows(OrderStatusChanged.TYPE.wire())).isEqualTo(1);
        assertThatThrownBy(() -> advance(FulfillmentStep.SHIPPED)).isInstanceOfSatisfying(Conflict.class, e -> {
            assertThat(e.type()).isEqualTo("illegal-transition");
            assertThat(e.properties()).containsEntry("status", "picking");
        });
        advance(FulfillmentStep.PACKED);
        assertThatThrownBy(() -> advance(FulfillmentStep.PICKED)).isInstanceOf(Conflict.class);
        assertThat(payment()).isEqualTo(PaymentIntent.Status.AUTHORIZED);
    }

    @Test
    void cancelling_before_picking_voids_the_payment_and_releases_the_stock() {
        Order cancelled = shop.orders.cancel(id, "customer:ada", false).order();
        assertThat(cancelled.status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(payment()).isEqualTo(PaymentIntent.Status.VOIDED);
        assertThat(mug()).extracting(StockLevel::onHand, StockLevel::reserved).containsExactly(10, 0);
        assertThat(shop.orders.cancel(id, "customer:ada", false).tokens()).isEmpty();
        assertThat(shop.orders.order(id).orElseThrow().version()).isEqualTo(cancelled.version());
        assertThatThrownBy(() -> advance(FulfillmentStep.PICKED)).isInstanceOf(Conflict.class);
    }

    @Test
    void cancelling_after_picking_puts_the_units_back_on_the_shelf() {
        advance(FulfillmentStep.PICKED);
        shop.orders.cancel(id, "customer:ada", false);
        assertThat(mug()).extracting(StockLevel::onHand, StockLevel::reserved).containsExactly(10, 0);
        assertThat(payment()).isEqualTo(PaymentIntent.Status.VOIDED);
    }

    @Test
    void after_shipment_a_customer_cannot_cancel_and_an_admin_refunds() {
        advance(FulfillmentStep.PICKED);
        advance(FulfillmentStep.PACKED);
        advance(FulfillmentStep.SHIPPED);
        assertThatThrownBy(() -> shop.orders.cancel(id, "customer:ada", false))
                .isInstanceOfSatisfying(
                        Conflict.class, e -> assertThat(e.type()).isEqualTo("illegal-transition"));
        Order refunded = shop.orders.cancel(id, "admin:ops", true).order();
        assertThat(refunded.status()).isEqualTo(OrderStatus.REFUNDED);
        assertThat(payment()).isEqualTo(PaymentIntent.Status.REFUNDED);
        assertThat(shop.provider.entries())
                .extracting(ProviderLedger.Entry::kind)
                .containsExactly(
                        ProviderLedger.Kind.AUTHORIZATION, ProviderLedger.Kind.CAPTURE, ProviderLedger.Kind.REFUND);
    }
}
