package dev.mercato.plane.consume;

import static dev.mercato.plane.consume.TestLog.event;
import static dev.mercato.plane.consume.TestLog.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.plane.events.Event;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DeliveryIntegrationTest extends ViewTestSupport {

    @Test
    void an_event_delivered_twice_even_at_a_later_offset_is_applied_once() throws Exception {
        String topic = log.newTopic(1);
        Event first = event("order-1", 1, 10);
        Event second = event("order-1", 2, 20);
        Event third = event("order-1", 3, 30);
        // The relay republishing: back to back, and again after later events.
        log.send(topic, first, first, second, first, third, second);
        TotalsView view = new TotalsView(viewName, topic);

        runtime = newRuntime();
        runtime.start(view);

        await().atMost(WAIT)
                .until(() -> active().partitions().stream()
                                .mapToLong(PartitionFreshness::appliedOffset)
                                .sum()
                        == 6);
        assertThat(TotalsView.sequences(runtime, viewName, key("order-1"))).containsExactly(1L, 2L, 3L);
        assertThat(TotalsView.totals(runtime, viewName)).containsExactly(Map.entry(key("order-1"), 60L));
        assertThat(view.calls(key("order-1"), 1)).isEqualTo(1);
        assertThat(view.calls(key("order-1"), 2)).isEqualTo(1);
        assertThat(runtime.deadLetters(viewName).list()).isEmpty();
    }

    @Test
    void a_key_applied_in_an_earlier_round_drops_its_old_events_in_a_later_one_and_applies_the_new() throws Exception {
        String topic = log.newTopic(1);
        TotalsView view = new TotalsView(viewName, topic);
        runtime = newRuntime();
        runtime.start(view);
        log.send(topic, event("order-1", 1, 10), event("order-1", 2, 20), event("order-2", 1, 5));
        await().atMost(WAIT).until(() -> applied() == 3);

        // A later round: copies of what was applied (before and after the new events), new events of a known
        // key, and a new key.
        log.send(
                topic,
                event("order-1", 2, 20),
                event("order-1", 1, 10),
                event("order-1", 3, 30),
                event("order-2", 1, 5),
                event("order-1", 3, 30),
                event("order-3", 1, 7),
                event("order-2", 2, 6));
        await().atMost(WAIT).until(() -> applied() == 10);

        assertThat(TotalsView.sequences(runtime, viewName, key("order-1"))).containsExactly(1L, 2L, 3L);
        assertThat(TotalsView.sequences(runtime, viewName, key("order-2"))).containsExactly(1L, 2L);
        assertThat(TotalsView.totals(runtime, viewName))
                .containsOnly(
                        Map.entry(key("order-1"), 60L), Map.entry(key("order-2"), 11L), Map.entry(key("order-3"), 7L));
        for (long seq = 1; seq <= 3; seq++) {
            assertThat(view.calls(key("order-1"), seq)).isEqualTo(1);
        }
        assertThat(runtime.hasApplied(viewName, key("order-1"), 3)).isTrue();
        assertThat(runtime.hasApplied(viewName, key("order-2"), 3)).isFalse();
    }

    private long applied() {
        return active().partitions().stream()
                .mapToLong(PartitionFreshness::appliedOffset)
                .sum();
    }

    @Test
    void two_capabilities_events_about_one_aggregate_keep_separate_sequences_and_are_all_applied() throws Exception {
        String topic = log.newTopic(1);
        // Catalog and inventory both publish about SKU-1 under one key, each counting from 1.
        log.send(
                topic,
                TestLog.eventFrom("catalog", "SKU-1", 1, 1),
                TestLog.eventFrom("catalog", "SKU-1", 2, 2),
                TestLog.eventFrom("catalog", "SKU-1", 3, 3),
                TestLog.eventFrom("inventory", "SKU-1", 1, 100),
                TestLog.eventFrom("inventory", "SKU-1", 2, 200));
        runtime = newRuntime();
        runtime.start(new TotalsView(viewName, topic));

        await().atMost(WAIT)
                .until(() -> TotalsView.totals(runtime, viewName).size() == 2
                        && TotalsView.totals(runtime, viewName).values().stream()
                                        .mapToLong(Long::longValue)
                                        .sum()
                                == 306);
        String sku = Event.keyOf(dev.mercato.plane.MerchantId.of(TestLog.MERCHANT), "SKU-1");
        assertThat(TotalsView.sequences(runtime, viewName, "catalog:" + sku)).containsExactly(1L, 2L, 3L);
        assertThat(TotalsView.sequences(runtime, viewName, "inventory:" + sku)).containsExactly(1L, 2L);
        assertThat(runtime.hasApplied(viewName, "inventory:" + sku, 2)).isTrue();
    }

    @Test
    void per_key_order_is_kept_across_many_keys_and_partitions() throws Exception {
        String topic = log.newTopic(4);
        runtime = newRuntime();
        runtime.start(new TotalsView(viewName, topic));
        int keys = 40;
        int perKey = 25;
        List<Event> events = new ArrayList<>();
        for (int seq = 1; seq <= perKey; seq++) {
            for (int k = 0; k < keys; k++) {
                events.add(event("cart-" + k, seq, seq));
            }
        }

        log.send(topic, events);

        await().atMost(WAIT).until(() -> TotalsView.appliedCount(runtime, viewName) == (long) keys * perKey);
        Map<String, List<Long>> applied = TotalsView.allSequences(runtime, viewName);
        List<Long> inOrder = LongStream.rangeClosed(1, perKey).boxed().toList();
        assertThat(applied).hasSize(keys);
        assertThat(applied.values()).allSatisfy(seqs -> assertThat(seqs).isEqualTo(inOrder));
        assertThat(active().partitions()).hasSize(4);
    }

    @Test
    void a_stop_and_restart_loses_and_repeats_nothing_because_rows_and_checkpoint_commit_together() throws Exception {
        String topic = log.newTopic(2);
        int keys = 10;
        int perKey = 200;
        List<Event> events = new ArrayList<>();
        for (int seq = 1; seq <= perKey; seq++) {
            for (int k = 0; k < keys; k++) {
                events.add(event("account-" + k, seq, 1));
            }
        }
        log.send(topic, events);
        TotalsView view = new TotalsView(viewName, topic);
        // Stop for certain in the middle of the stream: hold one event, pause, let it commit, then stop.
        view.holdAt = TotalsView.id(key("account-3"), 50);
        runtime = newRuntime();
        runtime.start(view);
        assertThat(view.held.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                .isTrue();
        runtime.pause(viewName);
        view.release.countDown();
        await().atMost(WAIT)
                .until(() ->
                        view.calls(key("account-3"), 50) == 1 && runtime.hasApplied(viewName, key("account-3"), 50));

        long began = System.nanoTime();
        runtime.close();
        Duration stopping = Duration.ofNanos(System.nanoTime() - began);

        assertThat(stopping).isLessThan(Duration.ofSeconds(5));
        long appliedAtStop = countRows("SELECT count(*) FROM " + viewName + ".applied_g1");
        long checkpointed = countRows("SELECT coalesce(sum(next_offset), 0) FROM " + viewName + ".view_checkpoint");
        assertThat(checkpointed).isEqualTo(appliedAtStop);
        assertThat(appliedAtStop).isBetween(50L, (long) keys * perKey - 1);

        runtime = newRuntime();
        runtime.start(view);

        await().atMost(WAIT).until(() -> TotalsView.appliedCount(runtime, viewName) == (long) keys * perKey);
        List<Long> inOrder = LongStream.rangeClosed(1, perKey).boxed().toList();
        assertThat(TotalsView.allSequences(runtime, viewName).values())
                .hasSize(keys)
                .allSatisfy(seqs -> assertThat(seqs).isEqualTo(inOrder));
        assertThat(view.calls.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        await().atMost(WAIT).until(() -> active().lagEvents() == 0 && active().state() == ViewState.RUNNING);
    }

    private long countRows(String sql) throws Exception {
        try (Connection c = stores.adminConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
