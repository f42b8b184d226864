package dev.mercato.plane.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The view runtime's lifecycle for batch stores, against a store kept in memory that fails when told to: what
 * counts as applied, when it is committed, how a failure is repaired, where a restart resumes, and when a
 * rebuild is handed over.
 */
class BatchRunnerTest {

    static final LogPartition P0 = new LogPartition("t", 0);
    static final LogPartition P1 = new LogPartition("t", 1);
    static final Generation G = new Generation("memory", 1);

    /** A store in memory: offsets applied since the last commit, offsets committed, offsets readers see. */
    static final class MemoryStore implements BatchStore {
        final List<String> pending = new ArrayList<>();
        final List<String> committed = new ArrayList<>();
        final List<String> visible = new ArrayList<>();
        final Map<LogPartition, Long> checkpoints = new HashMap<>();
        final AtomicInteger failApplies = new AtomicInteger();
        final AtomicInteger failCommits = new AtomicInteger();
        volatile boolean failForever;
        int rollbacks;
        int commits;

        @Override
        public Map<LogPartition, Long> checkpoints(Collection<LogPartition> partitions) {
            Map<LogPartition, Long> out = new HashMap<>(checkpoints);
            out.keySet().retainAll(partitions);
            return out;
        }

        @Override
        public void apply(List<LogRecord> records) {
            if (failForever || failApplies.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                pending.add("half-applied");
                throw new IllegalStateException("store down");
            }
            records.forEach(r -> pending.add(r.partition().partition() + "@" + r.offset()));
        }

        @Override
        public void publish() {
            visible.clear();
            visible.addAll(committed);
            visible.addAll(pending);
        }

        @Override
        public void commit(Map<LogPartition, Long> nextOffsets) {
            if (failCommits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("disk full");
            }
            committed.addAll(pending);
            pending.clear();
            checkpoints.putAll(nextOffsets);
            commits++;
        }

        @Override
        public void rollback() {
            pending.clear();
            rollbacks++;
        }
    }

    /** A log that hands the runner nothing itself: the test calls the sink as the consumer loop would. */
    static final class FedLog implements LogSource {
        LogSink sink;

        @Override
        public LogSubscription subscribe(String group, List<String> topics, LogSink s) {
            sink = s;
            return () -> {};
        }

        @Override
        public Map<LogPartition, Long> endOffsets(Collection<String> topics) {
            return Map.of();
        }
    }

    static List<LogRecord> records(LogPartition p, long from, long to) {
        List<LogRecord> out = new ArrayList<>();
        for (long o = from; o < to; o++) {
            out.add(LogRecord.decoded(p, o, Instant.now(), "k", TestLog.event("a" + p.partition(), o + 1, 1)));
        }
        return out;
    }

    static BatchRunner started(BatchStore store, BatchStore.Policy policy, FedLog log) {
        BatchRunner runner = new BatchRunner(G, store, policy, Clock.systemUTC());
        runner.start(log, "g", List.of("t"), false);
        return runner;
    }

    static long applied(BatchRunner runner, LogPartition p) {
        return runner.freshness(true).partitions().stream()
                .filter(f -> f.partition() == p.partition())
                .findFirst()
                .orElseThrow()
                .appliedOffset();
    }

    @Test
    void a_store_read_only_through_its_commits_counts_a_record_applied_once_committed_with_every_partition_offset() {
        MemoryStore store = new MemoryStore();
        FedLog log = new FedLog();
        BatchRunner runner = started(store, BatchStore.Policy.commitOnly(5, Duration.ofHours(1)), log);
        log.sink.assigned(List.of(P0, P1));

        log.sink.accept(records(P1, 0, 4));
        log.sink.accept(records(P0, 0, 3));
        // Seven records over two partitions, under five each on average and none at ten: nothing is committed,
        // nothing counts as applied.
        assertThat(store.committed).isEmpty();
        assertThat(applied(runner, P0)).isZero();

        log.sink.accept(records(P0, 3, 6));
        assertThat(store.committed).hasSize(10);
        assertThat(store.checkpoints).containsExactlyInAnyOrderEntriesOf(Map.of(P0, 6L, P1, 4L));
        assertThat(applied(runner, P0)).isEqualTo(6);
        assertThat(applied(runner, P1)).isEqualTo(4);

        // A busy partition beside quiet ones: due once it holds twice the count, whatever the average.
        LogPartition p2 = new LogPartition("t", 2);
        log.sink.assigned(List.of(P0, P1, p2));
        log.sink.accept(records(P1, 4, 5));
        log.sink.accept(records(p2, 0, 1));
        log.sink.accept(records(P0, 6, 15));
        assertThat(store.committed).hasSize(10);
        log.sink.accept(records(P0, 15, 16));
        assertThat(store.committed).hasSize(22);
    }

    @Test
    void a_publishing_store_is_read_before_its_commit_and_shows_a_caught_up_batch_at_once_when_a_reader_waits() {
        MemoryStore store = new MemoryStore();
        FedLog log = new FedLog();
        BatchRunner runner = new BatchRunner(
                        G,
                        store,
                        new BatchStore.Policy(1000, Duration.ofHours(1), Duration.ofHours(1)),
                        Clock.systemUTC())
                .publishingAtOnceWhen(() -> true);
        runner.start(log, "g", List.of("t"), false);
        log.sink.assigned(List.of(P0));
        log.sink.observed(P0, 4, null);

        log.sink.accept(records(P0, 0, 4));

        assertThat(store.visible).hasSize(4);
        assertThat(store.committed).isEmpty();
        assertThat(applied(runner, P0)).isEqualTo(4);
        assertThat(runner.freshness(true).state()).isEqualTo(ViewState.RUNNING);
    }

    @Test
    void a_failed_apply_or_commit_rolls_the_store_back_and_applies_again_so_nothing_is_lost_or_doubled() {
        MemoryStore store = new MemoryStore();
        FedLog log = new FedLog();
        BatchRunner runner = started(store, BatchStore.Policy.commitOnly(3, Duration.ofHours(1)), log);
        log.sink.assigned(List.of(P0));

        log.sink.accept(records(P0, 0, 3));
        store.failApplies.set(2);
        log.sink.accept(records(P0, 3, 6));
        store.failCommits.set(1);
        log.sink.accept(records(P0, 6, 9));
        runner.stop();
        runner.finish(true);

        assertThat(store.committed).containsExactly("0@0", "0@1", "0@2", "0@3", "0@4", "0@5", "0@6", "0@7", "0@8");
        assertThat(store.rollbacks).isGreaterThanOrEqualTo(2);
        assertThat(store.checkpoints).containsEntry(P0, 9L);
    }

    @Test
    void a_restart_resumes_from_the_stores_checkpoints_and_a_stop_without_commit_leaves_only_the_last_commit() {
        MemoryStore store = new MemoryStore();
        FedLog log = new FedLog();
        BatchRunner first = started(store, BatchStore.Policy.commitOnly(4, Duration.ofHours(1)), log);
        log.sink.assigned(List.of(P0));
        log.sink.accept(records(P0, 0, 4));
        log.sink.accept(records(P0, 4, 6));
        first.stop();
        first.finish(false);
        store.pending.clear();

        FedLog again = new FedLog();
        started(store, BatchStore.Policy.commitOnly(4, Duration.ofHours(1)), again);
        assertThat(again.sink.assigned(List.of(P0, P1))).containsExactlyInAnyOrderEntriesOf(Map.of(P0, 4L, P1, 0L));
    }

    @Test
    void a_rebuild_is_handed_over_on_its_own_thread_once_it_applied_up_to_the_log_ends_seen_when_it_began() {
        MemoryStore store = new MemoryStore();
        FedLog log = new FedLog();
        AtomicReference<BatchRunner> handedOver = new AtomicReference<>();
        BatchRunner runner = new BatchRunner(
                        G, store, BatchStore.Policy.commitOnly(100, Duration.ofHours(1)), Clock.systemUTC())
                .rebuilding(Map.of(P0, 5L, P1, 0L), handedOver::set);
        runner.start(log, "g", List.of("t"), false);
        log.sink.assigned(List.of(P0, P1));

        log.sink.accept(records(P0, 0, 4));
        assertThat(handedOver.get()).isNull();
        assertThat(runner.freshness(false).state()).isEqualTo(ViewState.REBUILDING);
        log.sink.accept(records(P0, 4, 5));
        assertThat(handedOver.get()).isSameAs(runner);

        runner.prepareToServe();
        runner.activated();
        assertThat(store.committed).hasSize(5);
        assertThat(store.visible).hasSize(5);
    }

    @Test
    void a_stop_cuts_the_retries_of_a_store_that_stays_down_short_and_leaves_the_batch_unapplied() throws Exception {
        MemoryStore store = new MemoryStore();
        store.failForever = true;
        FedLog log = new FedLog();
        BatchRunner runner = started(store, BatchStore.Policy.commitOnly(1, Duration.ofHours(1)), log);
        log.sink.assigned(List.of(P0));
        CountDownLatch trying = new CountDownLatch(1);
        CompletableFuture<Void> consumer = CompletableFuture.runAsync(() -> {
            trying.countDown();
            log.sink.accept(records(P0, 0, 1));
        });
        assertThat(trying.await(10, TimeUnit.SECONDS)).isTrue();

        runner.stop();

        assertThatThrownBy(() -> consumer.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(Stopper.Stopped.class);
        assertThat(store.committed).isEmpty();
        assertThat(runner.freshness(true).state()).isEqualTo(ViewState.STOPPED);
    }
}
