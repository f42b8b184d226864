package dev.mercato.orders.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.orders.FulfillmentStep;
import dev.mercato.orders.OrderId;
import dev.mercato.orders.OrderStatus;
import dev.mercato.orders.domain.Moves.Effect;
import dev.mercato.orders.domain.Moves.Request;
import dev.mercato.orders.store.JdbcOrders.Decided;
import dev.mercato.plane.Conflict;
import java.util.List;
import org.junit.jupiter.api.Test;

class MovesTest {

    static final OrderId ID = OrderId.next(java.time.Instant.parse("2026-12-04T12:00:00Z"));

    @Test
    void a_step_moves_only_to_the_next_status_and_a_repeat_is_nothing_to_do() {
        assertThat(Moves.decide(ID, OrderStatus.PLACED, new Request.Step(FulfillmentStep.PICKED)))
                .contains(new Decided(OrderStatus.PICKING, "picked"));
        assertThat(Moves.decide(ID, OrderStatus.PICKING, new Request.Step(FulfillmentStep.PICKED)))
                .isEmpty();
        assertThatThrownBy(() -> Moves.decide(ID, OrderStatus.PLACED, new Request.Step(FulfillmentStep.SHIPPED)))
                .isInstanceOfSatisfying(
                        Conflict.class, c -> assertThat(c.type()).isEqualTo("illegal-transition"));
        assertThatThrownBy(() -> Moves.decide(ID, OrderStatus.CANCELLED, new Request.Step(FulfillmentStep.PACKED)))
                .isInstanceOf(Conflict.class);
    }

    @Test
    void cancelling_before_shipment_cancels_after_it_refunds_only_when_allowed_and_an_ended_order_stays() {
        assertThat(Moves.decide(ID, OrderStatus.PACKED, new Request.Cancel(false)))
                .contains(new Decided(OrderStatus.CANCELLED, "cancelled"));
        assertThatThrownBy(() -> Moves.decide(ID, OrderStatus.SHIPPED, new Request.Cancel(false)))
                .isInstanceOf(Conflict.class);
        assertThat(Moves.decide(ID, OrderStatus.DELIVERED, new Request.Cancel(true)))
                .contains(new Decided(OrderStatus.REFUNDED, "refunded after shipment"));
        assertThat(Moves.decide(ID, OrderStatus.CANCELLED, new Request.Cancel(true)))
                .isEmpty();
        assertThat(Moves.decide(ID, OrderStatus.REFUNDED, new Request.Cancel(false)))
                .isEmpty();
    }

    @Test
    void each_move_has_its_effects_with_the_only_refusable_one_first() {
        assertThat(Moves.effects(OrderStatus.PLACED, OrderStatus.PICKING)).containsExactly(Effect.COMMIT_STOCK);
        assertThat(Moves.effects(OrderStatus.PICKING, OrderStatus.PACKED)).isEmpty();
        assertThat(Moves.effects(OrderStatus.PACKED, OrderStatus.SHIPPED)).containsExactly(Effect.CAPTURE_PAYMENT);
        assertThat(Moves.effects(OrderStatus.PLACED, OrderStatus.CANCELLED))
                .containsExactly(Effect.VOID_PAYMENT, Effect.RELEASE_STOCK);
        for (OrderStatus picked : List.of(OrderStatus.PICKING, OrderStatus.PACKED)) {
            assertThat(Moves.effects(picked, OrderStatus.CANCELLED))
                    .containsExactly(Effect.VOID_PAYMENT, Effect.RETURN_STOCK);
        }
        assertThat(Moves.effects(OrderStatus.DELIVERED, OrderStatus.REFUNDED)).containsExactly(Effect.REFUND_PAYMENT);
    }
}
