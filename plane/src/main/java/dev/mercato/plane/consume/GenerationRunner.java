package dev.mercato.plane.consume;

import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.Tracing;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the log for one generation of a view: applies each record with its checkpoint and the key's
 * sequence in one transaction, retries, parks, and keeps freshness. Runs on the subscription's thread.
 */
final class GenerationRunner implements LogSink {

    private static final Logger log = LoggerFactory.getLogger(GenerationRunner.class);

    private enum Outcome {
        APPLIED,
        DUPLICATE,
        PARKED
    }

    private final ViewHandle handle;
    private final Generation generation;
    private final ViewSettings settings;
    private final Clock clock;
    private final Stopper stopper = new Stopper();
    private final Map<LogPartition, PartitionProgress> progress = new ConcurrentHashMap<>();
    // Log ends when the rebuild began: reaching them makes a rebuilding generation ready to swap in.
    private final Map<LogPartition, Long> rebuildTarget;
    private volatile boolean rebuilding;
    private volatile boolean paused;
    private volatile boolean stopped;
    private LogSubscription subscription;

    GenerationRunner(
            ViewHandle handle,
            Generation generation,
            ViewSettings settings,
            Clock clock,
            Map<LogPartition, Long> rebuildTarget) {
        this.handle = handle;
        this.generation = generation;
        this.settings = settings;
        this.clock = clock;
        this.rebuildTarget = rebuildTarget == null ? null : Map.copyOf(rebuildTarget);
        this.rebuilding = rebuildTarget != null;
    }

    Generation generation() {
        return generation;
    }

    synchronized void start(LogSource source) {
        subscription =
                source.subscribe(generation.consumerGroup(), handle.view().topics(), this);
    }

    /** Stops the consumer and waits for its thread; a record being handled is left unapplied. */
    void close() {
        stopper.stop();
        LogSubscription s;
        synchronized (this) {
            s = subscription;
            subscription = null;
        }
        if (s != null) {
            s.close();
        }
        stopped = true;
    }

    void pause(boolean pause) {
        paused = pause;
    }

    void activated() {
        rebuilding = false;
    }

    ViewFreshness freshness(boolean active) {
        ViewState state = stopped
                ? ViewState.STOPPED
                : paused ? ViewState.PAUSED : rebuilding ? ViewState.REBUILDING : ViewState.RUNNING;
        var partitions = progress.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(
                        java.util.Comparator.comparing(LogPartition::topic).thenComparing(LogPartition::partition)))
                .map(e -> e.getValue().freshness(state, clock.instant()))
                .toList();
        return ViewFreshness.of(generation.view(), generation.number(), active, state, partitions);
    }

    @Override
    public Map<LogPartition, Long> assigned(Collection<LogPartition> partitions) {
        Map<LogPartition, Long> checkpoints =
                durably("reading checkpoints", () -> handle.books().checkpoints(generation.number()));
        for (LogPartition p : partitions) {
            progress.put(p, new PartitionProgress(p, checkpoints.getOrDefault(p, 0L)));
        }
        log.info("{} assigned {} at {}", generation.consumerGroup(), partitions, checkpoints);
        return checkpoints;
    }

    @Override
    public void revoked(Collection<LogPartition> partitions) {
        partitions.forEach(progress::remove);
    }

    @Override
    public boolean accepting() {
        return !paused && !stopper.stopping();
    }

    @Override
    public void observed(LogPartition partition, long logEnd, java.time.Instant oldestWaiting) {
        PartitionProgress p = progress.get(partition);
        if (p != null) {
            p.observed(logEnd, oldestWaiting, clock.instant());
        }
        promoteWhenCaughtUp();
    }

    /**
     * Applies a round of records in one transaction with a few set-based statements: the keys' progress
     * rows are locked, read and moved forward in one statement (one write per key), the view applies the new
     * events in one call, and each partition's checkpoint is one statement. One commit (one fsync)
     * per round keeps a rebuild from the start of the log affordable and the cost per event low. When the
     * round fails, its records are applied one at a time, each in its own transaction, so the failing one
     * gets its retries and is parked alone.
     */
    @Override
    public void accept(List<LogRecord> records) {
        stopper.check();
        List<Outcome> outcomes;
        Instant began = Instant.now();
        try {
            outcomes = handle.transaction(() -> applyRound(records));
        } catch (RuntimeException e) {
            stopper.check();
            log.info(
                    "{} could not apply a round of {} records at once ({}); applying them one at a time",
                    generation.consumerGroup(),
                    records.size(),
                    e.toString());
            for (LogRecord record : records) {
                stopper.check();
                Outcome outcome;
                try {
                    outcome = handle.transaction(() -> applyOnce(record));
                } catch (RuntimeException single) {
                    stopper.check();
                    outcome = retry(record, single);
                }
                handled(List.of(record), List.of(outcome));
            }
            return;
        }
        handled(records, outcomes);
        traced(records, outcomes, began);
    }

    /** One span per applied event of a sampled trace (Tracing picks those): the last hop of its request. */
    private void traced(List<LogRecord> records, List<Outcome> outcomes, Instant began) {
        List<Event> applied = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (outcomes.get(i) == Outcome.APPLIED) {
                applied.add(records.get(i).event());
            }
        }
        Tracing.record("apply " + generation.view(), applied, began, Instant.now());
    }

    private List<Outcome> applyRound(List<LogRecord> records) {
        int g = generation.number();
        handle.relaxCommit();
        Map<String, Long> newest = new java.util.HashMap<>();
        for (LogRecord r : records) {
            if (r.event() != null) {
                newest.merge(r.event().streamKey(), r.event().sequence(), Math::max);
            }
        }
        // Every key's progress moves to its newest sequence here: the round applies all of a key's new events
        // or rolls back whole.
        Map<String, Bookkeeping.RoundKey> states =
                newest.isEmpty() ? Map.of() : handle.books().advanceKeys(g, newest);
        Map<String, Long> seen = new java.util.HashMap<>();
        List<Event> fresh = new ArrayList<>(records.size());
        List<Outcome> out = new ArrayList<>(records.size());
        for (LogRecord r : records) {
            Event event = r.event();
            if (event == null) {
                handle.parking().parkUndecodable(g, r);
                out.add(Outcome.PARKED);
                continue;
            }
            Bookkeeping.RoundKey key = states.get(event.streamKey());
            long applied = seen.getOrDefault(event.streamKey(), key.appliedBefore());
            if (event.sequence() <= applied) {
                out.add(Outcome.DUPLICATE);
            } else if (key.blocked()) {
                handle.parking().parkBehind(g, r);
                out.add(Outcome.PARKED);
            } else {
                fresh.add(current(event));
                seen.put(event.streamKey(), event.sequence());
                out.add(Outcome.APPLIED);
            }
        }
        if (!fresh.isEmpty()) {
            handle.view().applyAll(fresh, handle.store().jdbc(), generation);
        }
        // One checkpoint write per partition for the whole round, in the same transaction.
        Map<LogPartition, Long> next = new java.util.LinkedHashMap<>();
        records.forEach(r -> next.merge(r.partition(), r.offset() + 1, Math::max));
        next.forEach((partition, offset) -> handle.books().checkpoint(g, partition, offset));
        return out;
    }

    private void handled(List<LogRecord> records, List<Outcome> outcomes) {
        for (int i = 0; i < records.size(); i++) {
            LogRecord record = records.get(i);
            PartitionProgress p = progress.get(record.partition());
            if (p != null) {
                p.applied(record.offset() + 1, clock.instant());
            }
            if (outcomes.get(i) == Outcome.APPLIED) {
                handle.applied(
                        generation, record.event().streamKey(), record.event().sequence());
            } else if (record.event() == null) {
                log.error(
                        "{} parked an undecodable record at {}@{}: {}",
                        generation.consumerGroup(),
                        record.partition(),
                        record.offset(),
                        record.undecodable());
            }
        }
        promoteWhenCaughtUp();
    }

    /** Attempts 2..max of one record whose first attempt failed with {@code first}; then parks it. */
    private Outcome retry(LogRecord record, RuntimeException first) {
        RuntimeException last = first;
        for (int attempt = 1; ; attempt++) {
            log.warn(
                    "{} attempt {}/{} failed for {} at {}@{}: {}",
                    generation.consumerGroup(),
                    attempt,
                    settings.maxAttempts(),
                    record.key(),
                    record.partition(),
                    record.offset(),
                    last.toString());
            if (attempt >= settings.maxAttempts()) {
                break;
            }
            stopper.backoff(settings.backoff(attempt));
            try {
                return handle.transaction(() -> applyOnce(record));
            } catch (RuntimeException e) {
                stopper.check();
                last = e;
            }
        }
        String error = describe(last);
        return durably("parking " + record.key(), () -> handle.transaction(() -> parkFailed(record, error)));
    }

    private Outcome applyOnce(LogRecord record) {
        Outcome outcome = applyWithoutCheckpoint(record);
        handle.books().checkpoint(generation.number(), record.partition(), record.offset() + 1);
        return outcome;
    }

    private Outcome applyWithoutCheckpoint(LogRecord record) {
        int g = generation.number();
        Event event = record.event();
        if (event == null) {
            handle.parking().parkUndecodable(g, record);
            return Outcome.PARKED;
        }
        Bookkeeping.KeyState key = handle.books().lockKey(g, event.streamKey());
        Outcome outcome;
        if (event.sequence() <= key.lastSequence()) {
            outcome = Outcome.DUPLICATE;
        } else if (key.blocked()) {
            handle.parking().parkBehind(g, record);
            outcome = Outcome.PARKED;
        } else {
            handle.view().apply(current(event), handle.store().jdbc(), generation);
            handle.books().applied(g, event.streamKey(), event.sequence());
            outcome = Outcome.APPLIED;
        }
        return outcome;
    }

    /** The event at the newest version the view's upcasters know; unchanged when they know nothing newer. */
    private Event current(Event event) {
        var upcasters = handle.view().upcasters();
        int current =
                upcasters.currentVersion(event.type().source(), event.type().name());
        return current > event.type().version() ? upcasters.upcast(event, current) : event;
    }

    private Outcome parkFailed(LogRecord record, String error) {
        Event event = record.event();
        int g = generation.number();
        Bookkeeping.KeyState key = handle.books().lockKey(g, event.streamKey());
        Outcome outcome = Outcome.DUPLICATE;
        if (event.sequence() > key.lastSequence()) {
            handle.parking().parkFailed(g, record, error, settings.maxAttempts());
            handle.books().blocked(g, event.streamKey(), true);
            outcome = Outcome.PARKED;
            log.error(
                    "{} parked {} sequence {}: {}",
                    generation.consumerGroup(),
                    event.streamKey(),
                    event.sequence(),
                    error);
        }
        handle.books().checkpoint(g, record.partition(), record.offset() + 1);
        return outcome;
    }

    /**
     * The runtime's own writes must not be skipped: a failure there (the database is down) is retried until
     * it succeeds or the runner stops, and the record is then read again from the checkpoint.
     */
    private <T> T durably(String what, Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            stopper.check();
            try {
                return work.get();
            } catch (RuntimeException e) {
                if (e instanceof Stopper.Stopped) {
                    throw e;
                }
                log.warn(
                        "{} {} failed (attempt {}), retrying: {}",
                        generation.consumerGroup(),
                        what,
                        attempt,
                        e.toString());
                stopper.backoff(settings.backoff(attempt));
            }
        }
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
        handle.promote(this, rebuildTarget);
    }

    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        List<Throwable> seen = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && !seen.contains(t); t = t.getCause()) {
            seen.add(t);
            if (!text.isEmpty()) {
                text.append("; caused by ");
            }
            text.append(t.getClass().getName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }
}
