package dev.mercato.plane.consume;

import static dev.mercato.plane.consume.TestLog.event;
import static dev.mercato.plane.consume.TestLog.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyRetentionIntegrationTest extends ViewTestSupport {

    private long progressRows(String key) {
        return runtime.read(
                viewName,
                (jdbc, generation) -> jdbc.sql(
                                "SELECT count(*) FROM view_key_progress WHERE generation = ? AND key = ?")
                        .params(generation.number(), key)
                        .query(Long.class)
                        .single());
    }

    private boolean caughtUp(long offsets) {
        ViewFreshness f = active();
        return f.partitions().stream()
                                .mapToLong(PartitionFreshness::appliedOffset)
                                .sum()
                        == offsets
                && f.lagEvents() == 0;
    }

    @Test
    void idle_keys_are_forgotten_only_when_caught_up_blocked_keys_are_kept_and_later_events_still_apply()
            throws Exception {
        String topic = log.newTopic(1);
        TotalsView view = new TotalsView(viewName, topic);
        String parked = key("order-p");
        view.poisoned.add(TotalsView.id(parked, 1));
        runtime = newRuntime();
        runtime.start(view);
        log.send(topic, event("order-1", 1, 10), event("order-1", 2, 20), event("order-2", 1, 5));
        log.send(topic, event("order-p", 1, 1));
        await().atMost(WAIT).until(() -> caughtUp(4));
        assertThat(progressRows(key("order-1"))).isEqualTo(1);

        // Paused with events waiting: not caught up, so nothing is forgotten.
        runtime.pause(viewName);
        log.send(topic, event("order-2", 2, 5));
        await().atMost(WAIT).until(() -> active().lagEvents() == 1);
        assertThat(runtime.forgetIdleKeys(Duration.ZERO)).isZero();
        assertThat(progressRows(key("order-1"))).isEqualTo(1);

        runtime.resume(viewName);
        await().atMost(WAIT).until(() -> caughtUp(5));
        assertThat(runtime.forgetIdleKeys(Duration.ofDays(1))).isZero();
        assertThat(runtime.forgetIdleKeys(Duration.ZERO)).isEqualTo(2);
        assertThat(progressRows(key("order-1"))).isZero();
        assertThat(progressRows(parked)).isEqualTo(1);

        // The outbox never hands a key a sequence twice, so what comes next is new and is applied.
        log.send(topic, event("order-1", 3, 30));
        await().atMost(WAIT).until(() -> caughtUp(6));
        assertThat(TotalsView.totals(runtime, viewName))
                .contains(Map.entry(key("order-1"), 60L), Map.entry(key("order-2"), 10L));
        assertThat(progressRows(key("order-1"))).isEqualTo(1);
    }
}
