package dev.mercato.plane.consume;

import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.Tracing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The view runtime for one generation of a view whose store applies batches ({@link BatchStore}): a Lucene
 * index, the Parquet lake, a graph. It owns everything but the store's own writes: the subscription and the
 * positions it resumes from, when batches are published and committed, retries, freshness, pausing, stopping,
 * and the swap of a rebuild that has caught up.
 *
 * <p>A batch is applied to the store, published to readers within the policy's publish interval while the view
 * works off a backlog (at once when it has caught up and a reader waits for its own write), and made durable,
 * with the next offset of every partition, once the partitions have applied {@code commitEvery} records each
 * since the last commit (on average, one at most twice that) or the oldest of them has waited {@code
 * commitInterval}, whichever comes first. What was applied since the last commit is kept here: when the store fails, it is
 * rolled back to its last commit and that is applied again before anything else, so a failure loses nothing
 * and, the store dropping what its checkpoints cover, doubles nothing. A restart resumes from the last commit
 * the same way. Freshness counts only what readers can see: what was published, or, for a store without
 * publishing, what was committed.
 *
 * <p>All store calls happen on the subscription's thread, or on the stopping thread once it has stopped.
 */
public final class BatchRunner implements LogSink {

    private static final Logger log = LoggerFactory.getLogger(BatchRunner.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final Generation generation;
    private final BatchStore store;
    private final BatchStore.Policy policy;
    private final Clock clock;
    private final Stopper stopper = new Stopper();
    private final Map<LogPartition, PartitionProgress> progress = new ConcurrentHashMap<>();
    private final Map<LogPartition, Long> logEnds = new ConcurrentHashMap<>();
    // Next offset per partition applied to the store, durable or not. Guarded by this.
    private final Map<LogPartition, Long> applied = new HashMap<>();
    // Applied since the last commit, to apply again after a rollback. Guarded by this.
    private final List<List<LogRecord>> uncommitted = new ArrayList<>();
    // The most records one partition has applied since the last commit. Guarded by this.
    private final Map<LogPartition, Long> uncommittedPerPartition = new HashMap<>();
    private long uncommittedSince;
    // Applied but not yet published: readers see them from the next publish on. Guarded by this.
    private final Map<LogPartition, Long> unseen = new HashMap<>();
    private long lastPublish = System.nanoTime();
    private boolean broken;
    private Map<LogPartition, Long> rebuildTarget;
    private Consumer<BatchRunner> whenCaughtUp = r -> {};
    private BooleanSupplier readersWaiting = () -> false;
    private volatile boolean rebuilding;
    private volatile boolean paused;
    private volatile boolean running;
    private LogSubscription subscription;

    public BatchRunner(Generation generation, BatchStore store, BatchStore.Policy policy, Clock clock) {
        this.generation = Objects.requireNonNull(generation, "generation");
        this.store = Objects.requireNonNull(store, "store");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Makes this a rebuild: nobody reads it, so what it applied is its progress, and once it has applied up to
     * {@code target} (log ends read when the rebuild began) {@code caughtUp} is called on its thread, to swap
     * it in. Before {@link #start} only.
     */
    public synchronized BatchRunner rebuilding(Map<LogPartition, Long> target, Consumer<BatchRunner> caughtUp) {
        this.rebuildTarget = Map.copyOf(target);
        this.whenCaughtUp = Objects.requireNonNull(caughtUp, "caughtUp");
        this.rebuilding = true;
        return this;
    }

    /** Whether a reader waits for its own write: then a caught-up view publishes each batch at once. */
    public synchronized BatchRunner publishingAtOnceWhen(BooleanSupplier waiting) {
        this.readersWaiting = Objects.requireNonNull(waiting, "waiting");
        return this;
    }

    public Generation generation() {
        return generation;
    }

    /** The stop flag, for a store that waits between attempts of its own (cut short by a stop). */
    Stopper stopper() {
        return stopper;
    }

    /**
     * Starts consuming {@code topics} as {@code group}: joining the group when instances share the store
     * ({@code shared}), else reading every partition as the group's only reader ({@link LogSource#assign}).
     */
    public synchronized void start(LogSource source, String group, List<String> topics, boolean shared) {
        running = true;
        subscription = shared ? source.subscribe(group, topics, this) : source.assign(group, topics, this);
    }

    public void pause(boolean pause) {
        paused = pause;
    }

    /** A rebuild was swapped in: readers use it from now on. */
    public void activated() {
        rebuilding = false;
    }

    /** Stops the consumer and waits for its thread; a batch being applied is left unapplied. */
    public void stop() {
        stopper.stop();
        LogSubscription s;
        synchronized (this) {
            s = subscription;
            subscription = null;
        }
        if (s != null) {
            s.close();
        }
        running = false;
    }

    /**
     * Once stopped: with {@code commit}, makes what was applied durable, so a restart need not read it again
     * (one attempt; a failure is logged and the restart reads it again). Without, the store keeps only its
     * last commit, as after a crash.
     */
    public synchronized void finish(boolean commit) {
        if (!commit || broken || uncommittedPerPartition.isEmpty()) {
            return;
        }
        try {
            store.commit(Map.copyOf(applied));
            uncommitted.clear();
            uncommittedPerPartition.clear();
        } catch (RuntimeException e) {
            log.warn("{} could not commit on stop; a restart reads from the last commit: {}", generation, e.toString());
        }
    }

    /** Makes a caught-up rebuild durable and visible, so it can serve from the swap on. */
    public synchronized void prepareToServe() {
        commitNow();
        durably("publishing", store::publish);
        unseen.clear();
    }

    public ViewFreshness freshness(boolean active) {
        ViewState state = !running
                ? ViewState.STOPPED
                : paused ? ViewState.PAUSED : rebuilding ? ViewState.REBUILDING : ViewState.RUNNING;
        Instant now = clock.instant();
        List<PartitionFreshness> partitions = progress.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(
                        Comparator.comparing(LogPartition::topic).thenComparing(LogPartition::partition)))
                .map(e -> e.getValue().freshness(state, now))
                .toList();
        return ViewFreshness.of(generation.view(), generation.number(), active, state, partitions);
    }

    @Override
    public synchronized Map<LogPartition, Long> assigned(Collection<LogPartition> partitions) {
        if (broken) {
            // A failure was not repaired before this (re)assignment: repair it first, so that the positions
            // below are what the store holds.
            durably("repairing", () -> {});
        }
        List<LogPartition> unknown =
                partitions.stream().filter(p -> !applied.containsKey(p)).toList();
        if (!unknown.isEmpty()) {
            Map<LogPartition, Long> stored = new HashMap<>();
            durably("reading checkpoints", () -> stored.putAll(store.checkpoints(unknown)));
            stored.forEach((p, next) -> {
                if (unknown.contains(p) && next > 0) {
                    applied.put(p, next);
                }
            });
        }
        Map<LogPartition, Long> positions = new HashMap<>();
        for (LogPartition p : partitions) {
            long at = applied.getOrDefault(p, 0L);
            positions.put(p, at);
            progress.put(p, new PartitionProgress(p, at));
        }
        log.info("{} assigned {} at {}", generation.consumerGroup(), partitions, positions);
        return positions;
    }

    /**
     * What was applied is made durable before the partitions go (another process may take them and resume
     * from the store's checkpoints); a commit that fails is left to the next one.
     */
    @Override
    public synchronized void revoked(Collection<LogPartition> partitions) {
        if (!uncommittedPerPartition.isEmpty() && !stopper.stopping()) {
            try {
                commitNow();
            } catch (Stopper.Stopped e) {
                // Stopping: the records are read again from the last commit.
            }
        }
        partitions.forEach(progress::remove);
    }

    @Override
    public boolean accepting() {
        return !paused && !stopper.stopping();
    }

    @Override
    public void observed(LogPartition partition, long logEnd, Instant oldestWaiting) {
        logEnds.put(partition, logEnd);
        PartitionProgress p = progress.get(partition);
        if (p != null) {
            p.observed(logEnd, oldestWaiting, clock.instant());
        }
        if (!stopper.stopping()) {
            synchronized (this) {
                if (!unseen.isEmpty() && (publishDue() || (caughtUp() && readersWaiting.getAsBoolean()))) {
                    publish();
                }
                commitIfDue();
            }
        }
        promoteWhenCaughtUp();
    }

    @Override
    public void accept(List<LogRecord> records) {
        Instant began = Instant.now();
        synchronized (this) {
            stopper.check();
            durably("applying", () -> store.apply(records));
            uncommitted.add(records);
            if (uncommittedPerPartition.isEmpty()) {
                uncommittedSince = System.nanoTime();
            }
            Map<LogPartition, Long> next = new HashMap<>();
            for (LogRecord r : records) {
                next.merge(r.partition(), r.offset() + 1, Math::max);
                uncommittedPerPartition.merge(r.partition(), 1L, Long::sum);
            }
            next.forEach((p, n) -> applied.merge(p, n, Math::max));
            if (rebuilding) {
                // Nobody reads a rebuilding generation: its progress is what it applied.
                advance(next);
            } else if (policy.publishes()) {
                next.forEach((p, n) -> unseen.merge(p, n, Math::max));
                if (publishDue() || (caughtUp() && readersWaiting.getAsBoolean())) {
                    publish();
                }
            }
            commitIfDue();
        }
        traced(records, began);
        promoteWhenCaughtUp();
    }

    /** One span per applied event of a sampled trace (Tracing picks those): the last hop of its request. */
    private void traced(List<LogRecord> records, Instant began) {
        List<Event> events = new ArrayList<>(records.size());
        for (LogRecord r : records) {
            if (r.event() != null) {
                events.add(r.event());
            }
        }
        Tracing.record("apply " + generation.view(), events, began, Instant.now());
    }

    private void publish() {
        durably("publishing", store::publish);
        lastPublish = System.nanoTime();
        advance(unseen);
        unseen.clear();
    }

    private void advance(Map<LogPartition, Long> offsets) {
        Instant now = clock.instant();
        offsets.forEach((partition, next) -> {
            PartitionProgress p = progress.get(partition);
            if (p != null) {
                p.applied(next, now);
            }
        });
    }

    private boolean publishDue() {
        return System.nanoTime() - lastPublish >= policy.publishInterval().toNanos();
    }

    /** Whether everything up to the log ends last seen is applied: then each batch is shown at once. */
    private boolean caughtUp() {
        for (Map.Entry<LogPartition, Long> a : applied.entrySet()) {
            if (progress.containsKey(a.getKey()) && a.getValue() < logEnds.getOrDefault(a.getKey(), 0L)) {
                return false;
            }
        }
        return true;
    }

    private void commitIfDue() {
        if (uncommittedPerPartition.isEmpty()) {
            return;
        }
        // Due once the partitions with uncommitted records hold commitEvery each on average (so a store that
        // writes per partition writes about that many records a partition whatever the partitions' interleaving),
        // or one of them holds twice that (so one busy partition does not wait for quiet ones).
        long most = 0;
        long all = 0;
        for (long n : uncommittedPerPartition.values()) {
            most = Math.max(most, n);
            all += n;
        }
        boolean full = all >= (long) policy.commitEvery() * uncommittedPerPartition.size()
                || most >= 2L * policy.commitEvery();
        if (full
                || System.nanoTime() - uncommittedSince
                        >= policy.commitInterval().toNanos()) {
            commitNow();
        }
    }

    private void commitNow() {
        if (uncommittedPerPartition.isEmpty()) {
            return;
        }
        Map<LogPartition, Long> next = Map.copyOf(applied);
        durably("committing", () -> {
            store.commit(next);
            if (rebuilding && policy.publishes()) {
                // A rebuilding generation publishes only here: nobody reads it, but its own lookups do.
                store.publish();
            }
        });
        uncommitted.clear();
        uncommittedPerPartition.clear();
        if (!policy.publishes() && !rebuilding) {
            advance(next);
        }
    }

    /**
     * Runs store work until it succeeds or the runner stops. After a failure the store is rolled back to its
     * last commit and what was applied since is applied again, so the work starts from a known state.
     */
    private void durably(String what, Runnable work) {
        for (int attempt = 1; ; attempt++) {
            stopper.check();
            try {
                if (broken) {
                    store.rollback();
                    for (List<LogRecord> batch : uncommitted) {
                        store.apply(batch);
                    }
                    if (policy.publishes() && !rebuilding) {
                        store.publish();
                    }
                    broken = false;
                }
                work.run();
                return;
            } catch (Stopper.Stopped e) {
                throw e;
            } catch (RuntimeException e) {
                broken = true;
                log.warn(
                        "{} failed {} (attempt {}); rolling back to the last commit and trying again: {}",
                        generation.consumerGroup(),
                        what,
                        attempt,
                        e.toString());
                stopper.backoff(backoff(attempt));
            }
        }
    }

    static Duration backoff(int attempt) {
        return Duration.ofNanos(Math.min(MAX_BACKOFF.toNanos(), FIRST_BACKOFF.toNanos() << Math.min(attempt - 1, 10)));
    }

    private void promoteWhenCaughtUp() {
        if (!rebuilding || stopper.stopping()) {
            return;
        }
        for (Map.Entry<LogPartition, Long> target : rebuildTarget.entrySet()) {
            if (target.getValue() == 0) {
                continue;
            }
            PartitionProgress p = progress.get(target.getKey());
            if (p == null || p.applied() < target.getValue()) {
                return;
            }
        }
        whenCaughtUp.accept(this);
    }

    @Override
    public String toString() {
        return generation.consumerGroup();
    }
}
