package dev.mercato.plane.consume;

import static dev.mercato.plane.consume.TestLog.event;
import static dev.mercato.plane.consume.TestLog.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A view restarted on the same store resumes consuming from its checkpoints at once, even when the process
 * before it was killed: a view alone on its store takes its partitions itself instead of waiting for its
 * consumer group to forget the dead process's member.
 */
class RestartIntegrationTest extends ViewTestSupport {

    @Test
    void a_view_restarted_after_its_process_was_killed_resumes_consuming_without_waiting_for_the_dead_member()
            throws Exception {
        String topic = log.newTopic(2);
        runtime = aloneRuntime();
        runtime.start(new TotalsView(viewName, topic));
        log.send(topic, event("order-1", 1, 1), event("order-1", 2, 1));
        await().atMost(WAIT).until(() -> active().started() && applied() == 2);
        runtime.close();

        // What SIGKILL leaves behind: a member of the view's group that never left. Joining the group would
        // wait for it (a rebalance waits for every member, up to its session timeout: five minutes here).
        log.abandonMember(new Generation(viewName, 1).consumerGroup(), topic, Duration.ofMinutes(5));
        log.send(topic, event("order-1", 3, 1));

        runtime = aloneRuntime();
        runtime.start(new TotalsView(viewName, topic));

        await().atMost(WAIT).until(() -> active().started() && active().lagEvents() == 0 && applied() == 3);
        assertThat(TotalsView.sequences(runtime, viewName, key("order-1"))).containsExactly(1L, 2L, 3L);
    }

    @Test
    void a_view_restarted_after_a_normal_stop_resumes_from_its_checkpoints() throws Exception {
        String topic = log.newTopic(3);
        runtime = aloneRuntime();
        runtime.start(new TotalsView(viewName, topic));
        log.send(topic, event("order-1", 1, 1), event("order-2", 1, 1));
        await().atMost(WAIT).until(() -> active().started() && applied() == 2);
        runtime.close();
        log.send(topic, event("order-1", 2, 1));

        runtime = aloneRuntime();
        runtime.start(new TotalsView(viewName, topic));

        await().atMost(WAIT).until(() -> active().started() && active().lagEvents() == 0 && applied() == 3);
        assertThat(TotalsView.sequences(runtime, viewName, key("order-1"))).containsExactly(1L, 2L);
    }

    private long applied() {
        return active().partitions().stream()
                .mapToLong(PartitionFreshness::appliedOffset)
                .sum();
    }
}
