package dev.mercato.search.store;

import dev.mercato.plane.consume.Generation;
import dev.mercato.plane.consume.LogPartition;
import dev.mercato.plane.consume.LogRecord;
import dev.mercato.plane.consume.LogSink;
import dev.mercato.plane.consume.LogSource;
import dev.mercato.plane.consume.LogSubscription;
import dev.mercato.plane.consume.PartitionFreshness;
import dev.mercato.plane.consume.PartitionProgress;
import dev.mercato.plane.consume.ViewFreshness;
import dev.mercato.plane.consume.ViewState;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the log into one generation of the index. A batch is visible to readers as soon as it is
 * applied when the view has caught up, and within {@link SearchSettings#refreshInterval()} while it works
 * off a backlog; freshness and read-your-writes count only what readers can see. It becomes durable, with
 * the next offset of every partition, at the next commit: after {@link SearchSettings#commitEvery()}
 * records or {@link SearchSettings#commitInterval()}, whichever comes first.
 * What was applied since the last commit is kept in memory: if the index fails, it is rolled back to its
 * last commit and that is applied again before going on, so a failure loses nothing and, the sequences
 * guarding every SKU, doubles nothing. A restart resumes from the last commit the same way.
 *
 * <p>All index writes happen on the subscription's thread, or on the closing thread once it has stopped.
 */
final class GenerationConsumer implements LogSink {

    private static final Logger log = LoggerFactory.getLogger(GenerationConsumer.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    // New writes become visible within the refresh interval (100 ms), or at once when a reader waits for its
    // own write: under a steady trickle of events (every checkout reserves stock) reopening the reader per
    // batch cost a fifth of the server's CPU.

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** Thrown out of a batch when the consumer stops; the batch stays unapplied. */
    static final class Stopping extends RuntimeException {
        Stopping() {
            super("search view consumer stopping", null, false, false);
        }
    }

    private final ListingsView view;
    private final SearchIndex.Generation index;
    private final Generation generation;
    private final SearchSettings settings;
    private final Clock clock;
    private final Map<LogPartition, PartitionProgress> progress = new ConcurrentHashMap<>();
    private final Map<LogPartition, Long> logEnds = new ConcurrentHashMap<>();
    // Log ends when the rebuild began: reaching them makes a rebuilding generation ready to swap in.
    private final Map<LogPartition, Long> rebuildTarget;
    private final ReentrantLock stopLock = new ReentrantLock();
    private final Condition stopped = stopLock.newCondition();
    // Next offset per partition applied to the index, durable or not. Guarded by this.
    private final Map<LogPartition, Long> applied = new HashMap<>();
    // Applied since the last durable commit, to apply again after a rollback. Guarded by this.
    private final List<ListingChange> uncommitted = new ArrayList<>();
    private long uncommittedRecords;
    private long uncommittedSince;
    // Applied but not yet visible to readers: published by the next refresh. Guarded by this.
    private final Map<LogPartition, Long> unseenOffsets = new HashMap<>();
    private final List<ListingChange> unseenChanges = new ArrayList<>();
    private long lastRefresh = System.nanoTime();
    private boolean broken;
    private volatile boolean rebuilding;
    private volatile boolean paused;
    private volatile boolean running;
    private volatile boolean stopping;
    private LogSubscription subscription;

    GenerationConsumer(
            ListingsView view,
            SearchIndex.Generation index,
            SearchSettings settings,
            Clock clock,
            Map<LogPartition, Long> rebuildTarget) {
        this.view = view;
        this.index = index;
        this.generation = new Generation(view.name(), index.number());
        this.settings = settings;
        this.clock = clock;
        this.rebuildTarget = rebuildTarget == null ? null : Map.copyOf(rebuildTarget);
        this.rebuilding = rebuildTarget != null;
        this.applied.putAll(index.checkpoints());
    }

    int number() {
        return index.number();
    }

    SearchIndex.Generation index() {
        return index;
    }

    synchronized void start(LogSource source) {
        running = true;
        String group = view.consumerGroup(generation);
        subscription = view.sharedByInstances()
                ? source.subscribe(group, settings.topics(), this)
                : source.assign(group, settings.topics(), this);
    }

    void pause(boolean pause) {
        paused = pause;
    }

    void activated() {
        rebuilding = false;
    }

    /** Stops the consumer and waits for its thread; a batch being applied is left unapplied. */
    void stopConsuming() {
        stopLock.lock();
        try {
            stopping = true;
            stopped.signalAll();
        } finally {
            stopLock.unlock();
        }
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
     * Closes the index once the consumer has stopped; with {@code commit}, what was applied is made durable
     * first, so a restart need not read it again. Without, the index keeps only its last commit, as after a
     * crash.
     */
    synchronized void closeIndex(boolean commit) {
        if (commit && !broken && uncommittedRecords > 0) {
            try {
                index.commit(applied);
            } catch (RuntimeException e) {
                log.warn(
                        "{} could not commit on close; a restart reads from the last commit: {}",
                        generation,
                        e.toString());
            }
        }
        index.close();
    }

    ViewFreshness freshness(boolean active) {
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
            // below are what the index holds.
            durably("repairing", () -> {});
        }
        Map<LogPartition, Long> positions = new HashMap<>();
        for (LogPartition p : partitions) {
            Long position = applied.get(p);
            if (position != null) {
                positions.put(p, position);
            }
            progress.put(p, new PartitionProgress(p, position == null ? 0 : position));
        }
        log.info("{} assigned {} at {}", generation.consumerGroup(), partitions, positions);
        return positions;
    }

    @Override
    public void revoked(Collection<LogPartition> partitions) {
        partitions.forEach(progress::remove);
    }

    @Override
    public boolean accepting() {
        return !paused && !stopping;
    }

    @Override
    public void observed(LogPartition partition, long logEnd, Instant oldestWaiting) {
        logEnds.put(partition, logEnd);
        PartitionProgress p = progress.get(partition);
        if (p != null) {
            p.observed(logEnd, oldestWaiting, clock.instant());
        }
        List<ListingChange> visible = List.of();
        if (!stopping) {
            synchronized (this) {
                if (!unseenOffsets.isEmpty() && (refreshDue() || (caughtUp() && view.readersWaiting()))) {
                    visible = publish();
                }
                commitIfDue();
            }
        }
        view.applied(this, visible);
        promoteWhenCaughtUp();
    }

    @Override
    public void accept(List<LogRecord> records) {
        List<ListingChange> visible = List.of();
        Instant began = Instant.now();
        synchronized (this) {
            check();
            List<ListingChange> changes = decode(records);
            durably("applying", () -> index.apply(changes));
            traced(records, began);
            uncommitted.addAll(changes);
            if (uncommittedRecords == 0) {
                uncommittedSince = System.nanoTime();
            }
            uncommittedRecords += records.size();
            for (LogRecord r : records) {
                applied.merge(r.partition(), r.offset() + 1, Math::max);
            }
            if (rebuilding) {
                // Nobody reads a rebuilding generation: its progress is what it applied.
                advance(records.stream()
                        .collect(Collectors.toMap(LogRecord::partition, r -> r.offset() + 1, Math::max)));
            } else {
                for (LogRecord r : records) {
                    unseenOffsets.merge(r.partition(), r.offset() + 1, Math::max);
                }
                unseenChanges.addAll(changes);
                if (refreshDue() || (caughtUp() && view.readersWaiting())) {
                    visible = publish();
                }
            }
            commitIfDue();
        }
        view.applied(this, visible);
        promoteWhenCaughtUp();
    }

    /** One span per applied event of a sampled trace (Tracing picks those), as the PostgreSQL views record theirs. */
    private static void traced(List<LogRecord> records, Instant began) {
        List<Event> applied =
                records.stream().map(LogRecord::event).filter(e -> e != null).toList();
        Tracing.record("apply search", applied, began, Instant.now());
    }

    /** Makes a caught-up rebuild durable and visible, so it can serve from the swap on. */
    synchronized void prepareToServe() {
        commitNow();
        durably("refreshing", index::refresh);
        unseenOffsets.clear();
        unseenChanges.clear();
    }

    /** Opens a new reader on what was applied; returns the changes readers can now see. */
    private List<ListingChange> publish() {
        durably("refreshing", index::refresh);
        lastRefresh = System.nanoTime();
        advance(unseenOffsets);
        unseenOffsets.clear();
        List<ListingChange> visible = List.copyOf(unseenChanges);
        unseenChanges.clear();
        return visible;
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

    private boolean refreshDue() {
        return System.nanoTime() - lastRefresh >= settings.refreshInterval().toNanos();
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

    private List<ListingChange> decode(List<LogRecord> records) {
        List<ListingChange> changes = new ArrayList<>(records.size());
        for (LogRecord r : records) {
            if (r.event() == null) {
                view.skipped(generation, r, r.undecodable());
                continue;
            }
            try {
                ListingEvents.decode(r.event()).ifPresent(changes::add);
            } catch (ListingEvents.Unreadable e) {
                view.skipped(generation, r, e.getMessage());
                ListingEvents.noted(r.event()).ifPresent(changes::add);
            }
        }
        return changes;
    }

    private void commitIfDue() {
        if (uncommittedRecords == 0) {
            return;
        }
        if (uncommittedRecords >= settings.commitEvery()
                || System.nanoTime() - uncommittedSince
                        >= settings.commitInterval().toNanos()) {
            commitNow();
        }
    }

    private void commitNow() {
        durably("committing", () -> {
            index.commit(applied);
            if (rebuilding) {
                // A rebuilding generation refreshes only here: what it wrote meanwhile is kept aside for its
                // own lookups, and nobody reads it yet.
                index.refresh();
            }
        });
        uncommitted.clear();
        uncommittedRecords = 0;
    }

    /**
     * Runs index work until it succeeds or the consumer stops. After a failure the index is rolled back to
     * its last commit and what was applied since is applied again, so the work starts from a known state.
     */
    private void durably(String what, Runnable work) {
        for (int attempt = 1; ; attempt++) {
            check();
            try {
                if (broken) {
                    index.rollback();
                    index.apply(uncommitted);
                    if (!rebuilding) {
                        index.refresh();
                    }
                    broken = false;
                }
                work.run();
                return;
            } catch (Stopping e) {
                throw e;
            } catch (RuntimeException e) {
                broken = true;
                log.warn(
                        "{} failed {} (attempt {}); rolling back to the last commit and trying again: {}",
                        generation.consumerGroup(),
                        what,
                        attempt,
                        e.toString());
                backoff(attempt);
            }
        }
    }

    private void backoff(int attempt) {
        long wait = Math.min(MAX_BACKOFF.toNanos(), FIRST_BACKOFF.toNanos() << Math.min(attempt - 1, 10));
        stopLock.lock();
        try {
            while (!stopping && wait > 0) {
                wait = stopped.awaitNanos(wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopping();
        } finally {
            stopLock.unlock();
        }
        check();
    }

    private void check() {
        if (stopping) {
            throw new Stopping();
        }
    }

    private void promoteWhenCaughtUp() {
        if (!rebuilding || stopping) {
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
        view.promote(this);
    }

    @Override
    public String toString() {
        return generation.consumerGroup();
    }
}
