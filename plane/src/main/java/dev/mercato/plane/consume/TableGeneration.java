package dev.mercato.plane.consume;

import dev.mercato.plane.events.Event;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One generation of a PostgreSQL view as a store of the view runtime ({@link BatchRunner}): a batch is applied
 * with the keys' progress and the partitions' checkpoints in one transaction, so it is durable and visible
 * when {@link #apply} returns, and the runner's commit has nothing left to do. A batch that fails is applied
 * again one record at a time, each in its own transaction, so the failing one gets its retries and is parked
 * alone while the others go on: the runtime's dead-letter queue, which a store that is rebuilt from the log
 * instead of parking (the search index, the lake) does without.
 */
final class TableGeneration implements BatchStore {

    private static final Logger log = LoggerFactory.getLogger(TableGeneration.class);

    private enum Outcome {
        APPLIED,
        DUPLICATE,
        PARKED
    }

    private final ViewHandle handle;
    private final Generation generation;
    private final ViewSettings settings;
    private final BatchRunner runner;
    private final Stopper stopper;

    /** @param rebuildTarget log ends when a rebuild began (reaching them swaps it in), or null when active */
    TableGeneration(
            ViewHandle handle,
            Generation generation,
            ViewSettings settings,
            Clock clock,
            Map<LogPartition, Long> rebuildTarget) {
        this.handle = handle;
        this.generation = generation;
        this.settings = settings;
        // Each batch commits in its own transaction: the runner's commit after every batch only counts it.
        this.runner = new BatchRunner(generation, this, BatchStore.Policy.commitOnly(1, Duration.ofSeconds(1)), clock);
        this.stopper = runner.stopper();
        if (rebuildTarget != null) {
            runner.rebuilding(rebuildTarget, r -> handle.promote(this, rebuildTarget));
        }
    }

    Generation generation() {
        return generation;
    }

    void start(LogSource source) {
        runner.start(source, generation.consumerGroup(), handle.view().topics(), true);
    }

    /** Stops the consumer and waits for its thread; a record being handled is left unapplied. */
    void close() {
        runner.stop();
    }

    void pause(boolean pause) {
        runner.pause(pause);
    }

    void activated() {
        runner.activated();
    }

    ViewFreshness freshness(boolean active) {
        return runner.freshness(active);
    }

    @Override
    public Map<LogPartition, Long> checkpoints(Collection<LogPartition> partitions) {
        Map<LogPartition, Long> stored = new HashMap<>(handle.books().checkpoints(generation.number()));
        stored.keySet().retainAll(partitions);
        return stored;
    }

    /** Nothing to do: each batch committed with its checkpoints in {@link #apply}. */
    @Override
    public void commit(Map<LogPartition, Long> nextOffsets) {}

    /** Nothing to undo: a batch's transaction rolled back whole, or committed. */
    @Override
    public void rollback() {}

    /**
     * Applies a round of records in one transaction with a few set-based statements: the keys' progress
     * rows are locked, read and moved forward in one statement (one write per key), the view applies the new
     * events in one call, and each partition's checkpoint is one statement. One commit (one fsync)
     * per round keeps a rebuild from the start of the log affordable and the cost per event low. When the
     * round fails, its records are applied one at a time, each in its own transaction, so the failing one
     * gets its retries and is parked alone.
     */
    @Override
    public void apply(List<LogRecord> records) {
        stopper.check();
        List<Outcome> outcomes;
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
