package dev.mercato.plane.consume;

import static dev.mercato.plane.consume.TestLog.event;
import static dev.mercato.plane.consume.TestLog.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two runners of one generation applying the same records at once: what happens when a consumer lost its
 * partitions in a rebalance while in the middle of a round (a zombie) and the runner that took them over reads
 * the same records again from the checkpoint the zombie has not committed yet. The round's key upsert is what
 * keeps each event applied once: the successor waits for the zombie's locks on the keys' progress rows and,
 * once the zombie commits, reads the progress it committed and drops every event as applied.
 */
class ZombieRunnerIntegrationTest extends ViewTestSupport {

    @Test
    void a_runner_that_lost_its_partitions_mid_round_and_the_one_that_took_them_apply_each_event_once()
            throws Exception {
        String topic = log.newTopic(1);
        TotalsView view = new TotalsView(viewName, topic);
        runtime = newRuntime();
        runtime.start(view);
        ViewHandle handle = runtime.handle(viewName);
        Generation g = new Generation(viewName, 1);
        TableGeneration zombie = new TableGeneration(handle, g, FAST_RETRIES, Clock.systemUTC(), null);
        TableGeneration successor = new TableGeneration(handle, g, FAST_RETRIES, Clock.systemUTC(), null);
        LogPartition p = new LogPartition(topic, 0);
        List<LogRecord> records = new ArrayList<>();
        long offset = 0;
        for (String order : List.of("order-1", "order-2", "order-3")) {
            for (long seq = 1; seq <= 3; seq++) {
                records.add(LogRecord.decoded(p, offset++, Instant.now(), key(order), event(order, seq, 10 * seq)));
            }
        }
        // The zombie stops inside its round, after its key upsert locked the three keys' progress rows.
        view.holdAt = TotalsView.id(key("order-2"), 2);
        // Threads of their own: the common pool may have a single thread on a small machine.
        ExecutorService runners = Executors.newFixedThreadPool(2);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> zombie.apply(records), runners);
        assertThat(view.held.await(60, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> successor.apply(records), runners);
        await().atMost(WAIT).until(() -> waitingOnALock(handle) > 0);
        assertThat(second).isNotDone();
        view.release.countDown();
        first.get(60, TimeUnit.SECONDS);
        second.get(60, TimeUnit.SECONDS);
        runners.shutdown();

        for (String order : List.of("order-1", "order-2", "order-3")) {
            for (long seq = 1; seq <= 3; seq++) {
                assertThat(view.calls.get(TotalsView.id(key(order), seq)))
                        .as(order + " sequence " + seq)
                        .hasValue(1);
            }
        }
        assertThat(TotalsView.totals(runtime, viewName))
                .containsOnly(
                        Map.entry(key("order-1"), 60L), Map.entry(key("order-2"), 60L), Map.entry(key("order-3"), 60L));
        assertThat(handle.books().checkpoints(1)).containsEntry(p, 9L);
    }

    /** Backends of this database waiting for a lock: the successor, blocked on the zombie's rows. */
    private static long waitingOnALock(ViewHandle handle) {
        return handle.store()
                .jdbc()
                .sql("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type ="
                        + " 'Lock'")
                .query(Long.class)
                .single();
    }
}
