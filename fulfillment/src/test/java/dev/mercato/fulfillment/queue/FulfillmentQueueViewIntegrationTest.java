package dev.mercato.fulfillment.queue;

import static dev.mercato.fulfillment.OrderEvents.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.fulfillment.FulfillmentTestSupport;
import dev.mercato.fulfillment.OrderEvents;
import dev.mercato.fulfillment.domain.PickListIntake;
import dev.mercato.orders.FulfillmentStep;
import dev.mercato.plane.consume.ViewReads;
import dev.mercato.plane.consume.ViewState;
import dev.mercato.plane.events.ConsistencyToken;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.testing.StoreOutage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The four proofs of the merchant fulfillment queue (seed 001): replay, lag, stale read, source outage. */
class FulfillmentQueueViewIntegrationTest extends FulfillmentTestSupport {

    String ordersTopic;
    String fulfillmentTopic;
    FulfillmentQueue queue;

    @BeforeEach
    void topics() throws Exception {
        ordersTopic = log.newTopic(3);
        fulfillmentTopic = log.newTopic(3);
        queue = new FulfillmentQueue(runtime, Clock.systemUTC());
    }

    FulfillmentQueueView view() {
        return new FulfillmentQueueView(ordersTopic, fulfillmentTopic);
    }

    /** Twenty orders at every stage, shipments' details on the fulfillment log. */
    List<OrderEvents> orders(int n) throws Exception {
        List<Event> orderEvents = new ArrayList<>();
        List<Event> fulfillmentEvents = new ArrayList<>();
        List<OrderEvents> all = orders(n, orderEvents, fulfillmentEvents);
        log.send(ordersTopic, orderEvents);
        log.send(fulfillmentTopic, fulfillmentEvents);
        sent.addAll(orderEvents);
        sent.addAll(fulfillmentEvents);
        return all;
    }

    /** {@code n} orders at every stage: their events into {@code orderEvents} and {@code fulfillmentEvents}. */
    List<OrderEvents> orders(int n, List<Event> orderEvents, List<Event> fulfillmentEvents) {
        List<OrderEvents> all = new ArrayList<>();
        String[] path = {"picking", "packed", "shipped", "delivered"};
        for (int i = 0; i < n; i++) {
            OrderEvents o = anOrder(merchant);
            all.add(o);
            orderEvents.add(o.placed());
            int steps = i % 6;
            for (int s = 0; s < Math.min(steps, 4); s++) {
                orderEvents.add(o.moved(path[s]));
                if (path[s].equals("shipped")) {
                    fulfillmentEvents.add(o.shipped("DHL", "TRK-" + i));
                }
            }
            if (steps == 5) {
                orderEvents.add(o.moved("cancelled"));
            }
        }
        return all;
    }

    Map<String, FulfillmentQueue.Entry> everything() {
        return queue.page(Optional.of(merchant), List.copyOf(FulfillmentQueue.STAGES), Optional.empty(), 100).stream()
                .collect(Collectors.toMap(FulfillmentQueue.Entry::orderId, e -> e));
    }

    /** What replay must reproduce: everything but the read time's age. */
    Map<String, String> comparable() {
        return everything().values().stream()
                .collect(Collectors.toMap(
                        FulfillmentQueue.Entry::orderId,
                        e -> e.stage() + "|" + e.lines() + "|" + e.itemCount() + "|" + e.placedAt() + "|"
                                + e.updatedAt() + "|" + e.carrier() + "|" + e.trackingNumber()));
    }

    /** Every event sent so far, for asking the view whether it applied each one. */
    final List<Event> sent = new ArrayList<>();

    /**
     * Whether the queue's active generation applied every event sent, asked per stream: a view's lag may
     * read zero before it has seen the end of what was sent.
     */
    boolean appliedAll() {
        return sent.stream().allMatch(e -> runtime.hasApplied(FulfillmentQueueView.NAME, e.streamKey(), e.sequence()));
    }

    boolean caughtUp() {
        return active(FulfillmentQueueView.NAME).lagEvents() == 0
                && active(FulfillmentQueueView.NAME).state() == ViewState.RUNNING;
    }

    @Test
    void orders_wait_in_the_stage_their_status_says_with_lines_age_and_tracking_and_pages_follow_each_other()
            throws Exception {
        runtime.start(view());
        List<OrderEvents> placed = orders(12);
        await().atMost(WAIT).until(() -> everything().size() == 12 && appliedAll());

        Map<String, FulfillmentQueue.Entry> all = everything();
        assertThat(all.get(placed.get(0).orderId).stage()).isEqualTo("to-pick");
        assertThat(all.get(placed.get(1).orderId).stage()).isEqualTo("to-pack");
        assertThat(all.get(placed.get(2).orderId).stage()).isEqualTo("to-ship");
        assertThat(all.get(placed.get(3).orderId).stage()).isEqualTo("shipped");
        assertThat(all.get(placed.get(3).orderId).carrier()).isEqualTo("DHL");
        assertThat(all.get(placed.get(3).orderId).trackingNumber()).isEqualTo("TRK-3");
        assertThat(all.get(placed.get(4).orderId).stage()).isEqualTo("delivered");
        assertThat(all.get(placed.get(5).orderId).stage()).isEqualTo("cancelled");
        assertThat(all.get(placed.get(0).orderId).lines()).hasSize(2);
        assertThat(all.get(placed.get(0).orderId).ageSeconds()).isGreaterThanOrEqualTo(0);

        List<String> open = new ArrayList<>();
        Optional<String> after = Optional.empty();
        List<FulfillmentQueue.Entry> page;
        do {
            page = queue.page(Optional.of(merchant), FulfillmentQueue.OPEN, after, 3);
            page.forEach(e -> open.add(e.orderId()));
            after = page.isEmpty() ? after : Optional.of(page.getLast().orderId());
        } while (page.size() == 3);
        // 12 orders, i % 6 in 0..3 are open: 8 of them, oldest first, each once.
        assertThat(open).hasSize(8).doesNotHaveDuplicates().isSorted();
        assertThat(queue.page(Optional.of("someone-else"), FulfillmentQueue.OPEN, Optional.empty(), 100))
                .isEmpty();
    }

    @Test
    void a_round_applied_as_a_set_leaves_the_queue_as_its_events_one_by_one_do() {
        List<Event> orderEvents = new ArrayList<>();
        List<Event> fulfillmentEvents = new ArrayList<>();
        orders(60, orderEvents, fulfillmentEvents);
        // The two logs interleaved at random, each in its own order, as a round of the runtime reads them.
        java.util.Random random = new java.util.Random(11L);
        List<Event> round = new ArrayList<>();
        int o = 0;
        int f = 0;
        while (o < orderEvents.size() || f < fulfillmentEvents.size()) {
            boolean fromOrders = f == fulfillmentEvents.size() || (o < orderEvents.size() && random.nextInt(4) > 0);
            round.add(fromOrders ? orderEvents.get(o++) : fulfillmentEvents.get(f++));
        }

        long rows = dev.mercato.plane.testing.RoundEquivalence.check(stores, view(), round, 11L);

        // 60 orders, and a shipment for each order that got as far as shipped.
        assertThat(rows).isEqualTo(60 + 30);
    }

    @Test
    void replay_a_rebuild_from_the_log_equals_the_incrementally_built_queue() throws Exception {
        runtime.start(view());
        orders(30);
        await().atMost(WAIT).until(() -> everything().size() == 30 && appliedAll());
        Map<String, String> incremental = comparable();

        runtime.rebuild(FulfillmentQueueView.NAME);

        await().atMost(WAIT)
                .until(() -> runtime.activeGeneration(FulfillmentQueueView.NAME).number() == 2 && appliedAll());
        assertThat(comparable()).isEqualTo(incremental);
    }

    @Test
    void lag_paused_the_queue_reports_growing_lag_and_stale_reads_then_returns_to_zero_after_resume() throws Exception {
        runtime.start(view());
        orders(3);
        await().atMost(WAIT).until(() -> everything().size() == 3 && caughtUp());
        ViewReads reads = new ViewReads(runtime, Clock.systemUTC());

        runtime.pause(FulfillmentQueueView.NAME);
        OrderEvents late = anOrder(merchant);
        Event placed = late.placed();
        log.send(ordersTopic, List.of(placed));

        await().atMost(WAIT).until(() -> active(FulfillmentQueueView.NAME).lagEvents() == 1);
        long lagBefore = active(FulfillmentQueueView.NAME).lagMillis();
        await().atMost(WAIT).until(() -> active(FulfillmentQueueView.NAME).lagMillis() > lagBefore);
        String token = new ConsistencyToken("orders", placed.key(), placed.sequence()).encode();
        ViewReads.Freshness stale = reads.before(FulfillmentQueueView.NAME, token);
        assertThat(stale.stale()).isTrue();
        assertThat(stale.header()).contains("stale");
        assertThat(everything()).doesNotContainKey(late.orderId);

        runtime.resume(FulfillmentQueueView.NAME);

        await().atMost(WAIT).until(this::caughtUp);
        ViewReads.Freshness fresh = reads.before(FulfillmentQueueView.NAME, token);
        assertThat(fresh.stale()).isFalse();
        assertThat(active(FulfillmentQueueView.NAME).lagEvents()).isZero();
        assertThat(everything().get(late.orderId).stage()).isEqualTo("to-pick");
    }

    @Test
    void
            source_outage_with_the_queue_down_fulfillment_keeps_recording_and_the_queue_catches_up_with_nothing_missing_or_twice()
                    throws Exception {
        runtime.start(view());
        runtime.start(new PickListIntake(pickLists, ordersTopic));
        List<OrderEvents> before = orders(4);
        await().atMost(WAIT).until(() -> everything().size() == 4 && appliedAll());

        runtime.stop(FulfillmentQueueView.NAME);
        assertThat(runtime.freshness(FulfillmentQueueView.NAME))
                .singleElement()
                .satisfies(f -> assertThat(f.state()).isEqualTo(ViewState.STOPPED));
        // The queue is down: orders keep coming, intake keeps making pick lists, merchants keep reporting.
        List<OrderEvents> during = orders(6);
        OrderEvents reported = during.get(0);
        await().atMost(WAIT).until(() -> pickLists.find(reported.orderId).isPresent());
        assertThat(pickLists.record(
                        reported.orderId,
                        merchant,
                        FulfillmentStep.PICKED,
                        "merchant:mo",
                        Optional.empty(),
                        Optional.empty()))
                .isTrue();
        Event picking = reported.moved("picking");
        sent.add(picking);
        log.send(ordersTopic, List.of(picking));
        // Delivered twice, as at-least-once delivery may.
        log.send(ordersTopic, List.of(during.get(1).placed()));

        runtime.start(view());

        await().atMost(WAIT).until(() -> everything().size() == 10 && appliedAll());
        Map<String, FulfillmentQueue.Entry> all = everything();
        assertThat(all.keySet())
                .containsExactlyInAnyOrderElementsOf(Stream.concat(before.stream(), during.stream())
                        .map(o -> o.orderId)
                        .toList());
        assertThat(all.get(reported.orderId).stage()).isEqualTo("to-pack");
        assertThat(queue.page(Optional.of(merchant), List.copyOf(FulfillmentQueue.STAGES), Optional.empty(), 100))
                .hasSize(10);
    }

    /** The queue's store refuses its role, as a PostgreSQL server of its own that went down would. */
    void queueStoreDown(boolean down) throws Exception {
        if (down) {
            StoreOutage.down(stores, FulfillmentQueueView.NAME);
        } else {
            StoreOutage.up(stores, FulfillmentQueueView.NAME);
        }
    }

    @Test
    void store_outage_with_the_queues_store_gone_intake_and_reports_go_on_and_afterwards_nothing_is_missing_or_twice()
            throws Exception {
        runtime.start(view());
        runtime.start(new PickListIntake(pickLists, ordersTopic));
        List<OrderEvents> before = orders(3);
        await().atMost(WAIT).until(() -> everything().size() == 3 && caughtUp());

        List<OrderEvents> during;
        OrderEvents reported;
        queueStoreDown(true);
        try {
            during = orders(4);
            reported = during.get(0);
            // Fulfillment's own store is another role's: intake and reports do not notice.
            await().atMost(WAIT)
                    .until(() -> during.stream()
                            .allMatch(o -> pickLists.find(o.orderId).isPresent()));
            assertThat(pickLists.record(
                            reported.orderId,
                            merchant,
                            FulfillmentStep.PICKED,
                            "merchant:mo",
                            Optional.empty(),
                            Optional.empty()))
                    .isTrue();
            Event picking = reported.moved("picking");
            sent.add(picking);
            log.send(ordersTopic, List.of(picking));
        } finally {
            queueStoreDown(false);
        }

        // Whatever failed for good while the store was gone was parked; the operator redrives it.
        await().atMost(WAIT).until(this::caughtUp);
        runtime.deadLetters(FulfillmentQueueView.NAME).redriveAll();
        await().atMost(WAIT).until(() -> everything().size() == 7);
        await().atMost(WAIT)
                .until(() -> "to-pack".equals(everything().get(reported.orderId).stage()));
        assertThat(everything().keySet())
                .containsExactlyInAnyOrderElementsOf(Stream.concat(before.stream(), during.stream())
                        .map(o -> o.orderId)
                        .toList());
        assertThat(runtime.deadLetters(FulfillmentQueueView.NAME).list()).isEmpty();
    }
}
