package dev.mercato.fulfillment.domain;

import static dev.mercato.fulfillment.OrderEvents.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mercato.fulfillment.FulfillmentTestSupport;
import dev.mercato.fulfillment.OrderEvents;
import dev.mercato.fulfillment.PickList;
import dev.mercato.fulfillment.PickListStatus;
import dev.mercato.fulfillment.events.PickLine;
import dev.mercato.fulfillment.store.JdbcPickLists;
import dev.mercato.orders.FulfillmentStep;
import dev.mercato.plane.Conflict;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PickListIntakeIntegrationTest extends FulfillmentTestSupport {

    @Test
    void a_placed_order_gets_one_pick_list_with_its_lines_however_often_the_event_is_delivered() throws Exception {
        String topic = log.newTopic(3);
        runtime.start(new PickListIntake(pickLists, topic));
        OrderEvents order = anOrder(merchant);
        var placed = order.placed();

        log.send(topic, List.of(placed, placed));
        OrderEvents other = anOrder(merchant);
        log.send(topic, List.of(other.placed(), placed));

        await().atMost(WAIT).until(() -> pickLists.find(other.orderId).isPresent());
        await().atMost(WAIT).until(() -> active(PickListIntake.NAME).lagEvents() == 0);
        PickList list = pickLists.find(order.orderId).orElseThrow();
        assertThat(list.status()).isEqualTo(PickListStatus.OPEN);
        assertThat(list.merchant()).isEqualTo(merchant);
        assertThat(list.createdFrom()).isEqualTo("order-placed");
        assertThat(list.itemCount()).isEqualTo(3);
        assertThat(list.lines()).containsExactly(new PickLine("SKU-A", "Lamp", 2), new PickLine("SKU-B", "Shade", 1));
        assertThat(outboxed(order.orderId, "pick-list-created")).isEqualTo(1);
    }

    @Test
    void a_cancelled_order_closes_its_pick_list_and_a_report_made_before_intake_is_not_duplicated_by_it()
            throws Exception {
        String topic = log.newTopic(3);
        OrderEvents cancelled = anOrder(merchant);
        OrderEvents early = anOrder(merchant);
        // A report came first: its pick list was made from the order read through the orders API.
        assertThat(pickLists.createNow(new JdbcPickLists.Draft(
                        early.orderId,
                        merchant,
                        early.customer,
                        List.of(new PickLine("SKU-A", "Lamp", 2), new PickLine("SKU-B", "Shade", 1)),
                        Instant.now(),
                        "order-read")))
                .isTrue();
        assertThat(pickLists.record(
                        early.orderId,
                        merchant,
                        FulfillmentStep.PICKED,
                        "merchant:mo",
                        Optional.empty(),
                        Optional.empty()))
                .isTrue();
        runtime.start(new PickListIntake(pickLists, topic));

        log.send(
                topic,
                List.of(cancelled.placed(), early.placed(), cancelled.moved("cancelled"), early.moved("picking")));

        await().atMost(WAIT)
                .until(() -> pickLists
                        .find(cancelled.orderId)
                        .filter(p -> p.status() == PickListStatus.CLOSED)
                        .isPresent());
        await().atMost(WAIT).until(() -> active(PickListIntake.NAME).lagEvents() == 0);
        assertThat(pickLists.find(cancelled.orderId).orElseThrow().closedReason())
                .contains("order-cancelled");
        assertThat(outboxed(cancelled.orderId, "pick-list-closed")).isEqualTo(1);
        PickList kept = pickLists.find(early.orderId).orElseThrow();
        assertThat(kept.createdFrom()).isEqualTo("order-read");
        assertThat(kept.status()).isEqualTo(PickListStatus.PICKED);
        assertThat(outboxed(early.orderId, "pick-list-created")).isEqualTo(1);
        assertThat(outboxed(early.orderId, "order-picked")).isEqualTo(1);
    }

    @Test
    void the_intake_cannot_be_rebuilt_since_the_pick_lists_hold_reports_no_log_has() throws Exception {
        String topic = log.newTopic(1);
        runtime.start(new PickListIntake(pickLists, topic));
        OrderEvents order = anOrder(merchant);
        log.send(topic, List.of(order.placed()));
        await().atMost(WAIT).until(() -> pickLists.find(order.orderId).isPresent());
        pickLists.record(
                order.orderId, merchant, FulfillmentStep.PICKED, "merchant:mo", Optional.empty(), Optional.empty());

        assertThatThrownBy(() -> runtime.rebuild(PickListIntake.NAME)).isInstanceOf(Conflict.class);

        assertThat(pickLists.find(order.orderId).orElseThrow().status()).isEqualTo(PickListStatus.PICKED);
    }

    @Test
    void a_step_is_recorded_once_with_its_event_and_never_moves_the_pick_list_back() throws Exception {
        String topic = log.newTopic(1);
        runtime.start(new PickListIntake(pickLists, topic));
        OrderEvents order = anOrder(merchant);
        log.send(topic, List.of(order.placed()));
        await().atMost(WAIT).until(() -> pickLists.find(order.orderId).isPresent());

        boolean packed = pickLists.record(
                order.orderId, merchant, FulfillmentStep.PACKED, "merchant:mo", Optional.empty(), Optional.empty());
        boolean again = pickLists.record(
                order.orderId, merchant, FulfillmentStep.PACKED, "merchant:mo", Optional.empty(), Optional.empty());
        boolean pickedLate = pickLists.record(
                order.orderId, merchant, FulfillmentStep.PICKED, "merchant:mo", Optional.empty(), Optional.empty());

        assertThat(packed).isTrue();
        assertThat(again).isFalse();
        assertThat(pickedLate).isTrue();
        assertThat(outboxed(order.orderId, "order-packed")).isEqualTo(1);
        assertThat(outboxed(order.orderId, "order-picked")).isEqualTo(1);
        assertThat(pickLists.find(order.orderId).orElseThrow().status()).isEqualTo(PickListStatus.PACKED);
        assertThat(pickLists.unadvanced(order.orderId)).isEmpty();
    }

    @Test
    void a_report_waiting_for_orders_is_invisible_and_its_record_takes_its_place() throws Exception {
        String topic = log.newTopic(1);
        runtime.start(new PickListIntake(pickLists, topic));
        OrderEvents order = anOrder(merchant);
        log.send(topic, List.of(order.placed()));
        await().atMost(WAIT).until(() -> pickLists.find(order.orderId).isPresent());

        pickLists.intend(order.orderId, FulfillmentStep.PICKED, "merchant:mo", Optional.of("DHL"), Optional.of("T-1"));

        assertThat(pickLists.find(order.orderId).orElseThrow().status()).isEqualTo(PickListStatus.OPEN);
        assertThat(outboxed(order.orderId, "order-picked")).isZero();
        assertThat(pickLists.intentsBefore(Instant.now().plusSeconds(1), 10))
                .singleElement()
                .satisfies(i -> assertThat(i.carrier()).contains("DHL"));
        pickLists.record(
                order.orderId, merchant, FulfillmentStep.PICKED, "merchant:mo", Optional.empty(), Optional.empty());
        assertThat(pickLists.intentsBefore(Instant.now().plusSeconds(1), 10)).isEmpty();
        assertThat(pickLists.find(order.orderId).orElseThrow().status()).isEqualTo(PickListStatus.PICKED);
    }
}
