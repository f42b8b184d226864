package dev.mercato.plane.consume;

import static dev.mercato.plane.consume.TestLog.event;
import static dev.mercato.plane.consume.TestLog.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FreshnessIntegrationTest extends ViewTestSupport {

    @Test
    void a_paused_view_shows_lag_in_events_and_time_growing_and_none_after_resume() throws Exception {
        String topic = log.newTopic(1);
        runtime = newRuntime();
        runtime.start(new TotalsView(viewName, topic));
        log.send(topic, event("order-1", 1, 1), event("order-1", 2, 1));
        await().atMost(WAIT)
                .until(() -> active().state() == ViewState.RUNNING
                        && active().partitions().getFirst().appliedOffset() == 2);
        assertThat(active().lagMillis()).isZero();

        runtime.pause(viewName);
        log.send(topic, event("order-1", 3, 1), event("order-1", 4, 1), event("order-1", 5, 1));

        AtomicLong lagMillis = new AtomicLong();
        await().atMost(WAIT).until(() -> {
            ViewFreshness f = active();
            lagMillis.set(f.lagMillis());
            return f.state() == ViewState.PAUSED && f.lagEvents() == 3 && f.lagMillis() > 0;
        });
        log.send(topic, event("order-1", 6, 1), event("order-1", 7, 1));
        await().atMost(WAIT).until(() -> active().lagEvents() == 5 && active().lagMillis() > lagMillis.get());
        PartitionFreshness partition = active().partitions().getFirst();
        assertThat(partition.appliedOffset()).isEqualTo(2);
        assertThat(partition.logEndOffset()).isEqualTo(7);
        assertThat(partition.state()).isEqualTo(ViewState.PAUSED);
        assertThat(TotalsView.sequences(runtime, viewName, key("order-1"))).hasSize(2);

        runtime.resume(viewName);

        await().atMost(WAIT)
                .until(() -> active().state() == ViewState.RUNNING
                        && active().lagEvents() == 0
                        && active().lagMillis() == 0);
        assertThat(TotalsView.sequences(runtime, viewName, key("order-1"))).hasSize(7);
        assertThat(active().partitions().getFirst().lastAppliedAt()).isNotNull();
    }

    @Test
    void a_view_that_holds_no_partitions_yet_says_it_is_starting_and_stale_never_caught_up() throws Exception {
        String topic = "test-later-" + UUID.randomUUID();
        runtime = aloneRuntime();
        runtime.start(new TotalsView(viewName, topic));
        ViewReads reads = new ViewReads(runtime, Clock.systemUTC());

        // The topic does not exist yet, so the view holds no partitions: nothing it could vouch for.
        ViewFreshness starting = active();
        assertThat(starting.state()).isEqualTo(ViewState.STARTING);
        assertThat(starting.partitions()).isEmpty();
        assertThat(starting.lagEvents()).isEqualTo(ViewFreshness.UNKNOWN);
        assertThat(starting.lagMillis()).isEqualTo(ViewFreshness.UNKNOWN);
        assertThat(starting.started()).isFalse();
        assertThat(reads.before(viewName, null).stale()).isTrue();
        assertThat(reads.before(viewName, null).header()).isEqualTo("lag-ms=unknown; as-of=unknown; stale");

        log.newTopic(topic, 2);
        log.send(topic, event("order-1", 1, 1), event("order-1", 2, 1));

        await().atMost(WAIT)
                .until(() -> active().state() == ViewState.RUNNING
                        && active().started()
                        && active().lagEvents() == 0
                        && TotalsView.sequences(runtime, viewName, key("order-1"))
                                        .size()
                                == 2);
        assertThat(active().partitions()).hasSize(2);
        assertThat(reads.before(viewName, null).header()).matches("lag-ms=0; as-of=\\S+");
    }

    @Test
    void await_applied_returns_true_once_the_event_is_applied_and_false_at_the_deadline_for_a_sequence_never_produced()
            throws Exception {
        String topic = log.newTopic(2);
        runtime = newRuntime();
        runtime.start(new TotalsView(viewName, topic));
        String key = key("order-9");
        assertThat(runtime.hasApplied(viewName, key, 1)).isFalse();

        // Waiting starts before the event exists, so only the signal on apply can end it in time.
        CompletableFuture<Boolean> waiting =
                CompletableFuture.supplyAsync(() -> runtime.awaitApplied(viewName, key, 1, Duration.ofSeconds(30)));
        log.send(topic, event("order-9", 1, 5));

        assertThat(waiting.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(runtime.hasApplied(viewName, key, 1)).isTrue();
        long began = System.nanoTime();
        assertThat(runtime.awaitApplied(viewName, key, 2, Duration.ofMillis(300)))
                .isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(runtime.hasApplied(viewName, key, 2)).isFalse();
    }

    @Test
    void every_started_view_reports_its_freshness_and_a_stopped_one_says_stopped() throws Exception {
        String topic = log.newTopic(3);
        runtime = newRuntime();
        runtime.start(new TotalsView(viewName, topic));
        log.send(topic, event("order-1", 1, 1));

        await().atMost(WAIT)
                .until(() -> active().partitions().size() == 3
                        && active().lagEvents() == 0
                        && active().partitions().stream()
                                        .mapToLong(PartitionFreshness::appliedOffset)
                                        .sum()
                                == 1);
        assertThat(runtime.freshness()).extracting(ViewFreshness::view).containsExactly(viewName);

        runtime.stop(viewName);

        assertThat(runtime.freshness()).singleElement().satisfies(f -> {
            assertThat(f.state()).isEqualTo(ViewState.STOPPED);
            assertThat(f.generation()).isEqualTo(1);
        });
    }
}
