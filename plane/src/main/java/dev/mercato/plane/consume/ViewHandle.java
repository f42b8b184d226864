package dev.mercato.plane.consume;

import dev.mercato.plane.Conflict;
import dev.mercato.plane.postgres.CapabilityStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One started view: its store, its active runner and, during a rebuild, the runner filling the next one. */
final class ViewHandle {

    private static final Logger log = LoggerFactory.getLogger(ViewHandle.class);

    private final View view;
    private final CapabilityStore store;
    private final LogSource source;
    private final ViewSettings settings;
    private final Clock clock;
    private final Bookkeeping books;
    private final ParkingLot parking;
    private final AppliedSignal signal = new AppliedSignal();
    private volatile TableGeneration active;
    private TableGeneration building;
    private boolean paused;
    private volatile boolean closed;

    ViewHandle(View view, CapabilityStore store, LogSource source, ViewSettings settings, Clock clock) {
        this.view = view;
        this.store = store;
        // A view no other process runs takes every partition itself: nothing to wait for at a restart.
        this.source = settings.shared() ? source : new Alone(source);
        this.settings = settings;
        this.clock = clock;
        this.books = new Bookkeeping(store.jdbc(), clock);
        this.parking = new ParkingLot(store.jdbc(), books);
    }

    View view() {
        return view;
    }

    CapabilityStore store() {
        return store;
    }

    Bookkeeping books() {
        return books;
    }

    ParkingLot parking() {
        return parking;
    }

    AppliedSignal signal() {
        return signal;
    }

    <T> T transaction(Supplier<T> work) {
        return store.transactions().execute(status -> work.get());
    }

    /**
     * Lets the current transaction commit without waiting for its WAL flush, for a view whose tables are a
     * function of the log ({@link View#rebuildable()}): a commit lost in a crash takes its checkpoint with
     * it, so the round is applied again from the log and nothing is lost or doubled. Facts a capability
     * takes in from the log (not rebuildable) keep durable commits. Derived work then never queues for the
     * disk behind, or in front of, the write path's commits.
     */
    void relaxCommit() {
        if (view.rebuildable()) {
            store.jdbc().sql("SET LOCAL synchronous_commit TO OFF").update();
        }
    }

    /** Creates generation 1 on first start, finishes an interrupted swap, resumes an interrupted rebuild. */
    synchronized void start() {
        Bookkeeping.Generations g = transaction(() -> {
            books.lockForChange();
            return books.generations().orElseGet(() -> {
                view.createTables(store.jdbc(), generation(1));
                books.createFirst();
                return new Bookkeeping.Generations(1, null, null);
            });
        });
        if (g.retiring() != null) {
            retire(g.retiring());
        }
        active = new TableGeneration(this, generation(g.active()), settings, clock, null);
        active.start(source);
        if (g.building() != null) {
            log.info("View {} resumes rebuilding generation {}", view.name(), g.building());
            building = new TableGeneration(
                    this, generation(g.building()), settings, clock, source.endOffsets(view.topics()));
            building.start(source);
        }
    }

    synchronized Generation rebuild() {
        if (closed) {
            throw new Conflict("view-stopped", "View " + view.name() + " is stopped; it cannot be rebuilt");
        }
        if (!view.rebuildable()) {
            throw new Conflict(
                    "view-not-rebuildable",
                    "View " + view.name() + " writes into its capability's own tables, which hold facts the log"
                            + " does not; it cannot be rebuilt from the log");
        }
        if (building != null) {
            throw new Conflict(
                    "rebuild-in-progress",
                    "View " + view.name() + " is already rebuilding generation "
                            + building.generation().number()
                            + "; wait for it to be swapped in (GET /api/v1/plane/views)",
                    Map.of("generation", building.generation().number()));
        }
        Map<LogPartition, Long> target = source.endOffsets(view.topics());
        int next = transaction(() -> {
            books.lockForChange();
            int n = books.active() + 1;
            books.forget(n);
            view.dropTables(store.jdbc(), generation(n));
            view.createTables(store.jdbc(), generation(n));
            books.startBuilding(n);
            return n;
        });
        log.info("View {} rebuilds into generation {} up to {}", view.name(), next, target);
        building = new TableGeneration(this, generation(next), settings, clock, target);
        building.pause(paused);
        building.start(source);
        return generation(next);
    }

    /**
     * Swaps a caught-up rebuild in: one row update under the readers' lock, then the old generation's
     * consumer stops and its tables go. Called on the new generation's consumer thread.
     */
    synchronized void promote(TableGeneration runner, Map<LogPartition, Long> target) {
        if (closed || building != runner) {
            return;
        }
        int next = runner.generation().number();
        try {
            boolean swapped = transaction(() -> {
                Map<LogPartition, Long> stored = books.checkpoints(next);
                boolean caughtUp = target.entrySet().stream()
                        .allMatch(t -> t.getValue() == 0 || stored.getOrDefault(t.getKey(), 0L) >= t.getValue());
                if (!caughtUp) {
                    return false;
                }
                books.lockForChange();
                return books.promote(next);
            });
            if (!swapped) {
                return;
            }
        } catch (RuntimeException e) {
            log.warn("View {} could not swap in generation {} yet: {}", view.name(), next, e.toString());
            return;
        }
        TableGeneration old = active;
        active = runner;
        building = null;
        runner.activated();
        signal.generationChanged();
        log.info(
                "View {} now reads generation {}; retiring {}",
                view.name(),
                next,
                old.generation().number());
        old.close();
        retire(old.generation().number());
    }

    private void retire(int number) {
        try {
            transaction(() -> {
                view.dropTables(store.jdbc(), generation(number));
                books.retired(number);
                return null;
            });
        } catch (RuntimeException e) {
            // Left marked as retiring: the next start drops it.
            log.warn("View {} could not drop generation {}: {}", view.name(), number, e.toString());
        }
    }

    synchronized void pause(boolean pause) {
        paused = pause;
        for (TableGeneration r : runners()) {
            r.pause(pause);
        }
    }

    /** Called after a commit that applied an event; only the active generation wakes readers. */
    void applied(Generation generation, String key, long sequence) {
        TableGeneration a = active;
        if (a != null && a.generation().equals(generation)) {
            signal.applied(key, sequence);
        }
    }

    synchronized List<ViewFreshness> freshness() {
        List<ViewFreshness> result = new ArrayList<>();
        if (active != null) {
            result.add(active.freshness(true));
        }
        if (building != null) {
            result.add(building.freshness(false));
        }
        return result;
    }

    /** The active generation's number as this process runs it. */
    int activeNumber() {
        TableGeneration a = active;
        return a == null ? 1 : a.generation().number();
    }

    Generation generation(int number) {
        return new Generation(view.name(), number);
    }

    /** The log as a consumer that is its group's only reader sees it: subscribing assigns every partition. */
    private record Alone(LogSource log) implements LogSource {
        @Override
        public LogSubscription subscribe(String group, List<String> topics, LogSink sink) {
            return log.assign(group, topics, sink);
        }

        @Override
        public LogSubscription assign(String group, List<String> topics, LogSink sink) {
            return log.assign(group, topics, sink);
        }

        @Override
        public Map<LogPartition, Long> endOffsets(java.util.Collection<String> topics) {
            return log.endOffsets(topics);
        }
    }

    void close() {
        List<TableGeneration> toClose;
        closed = true;
        synchronized (this) {
            toClose = runners();
        }
        // Outside the lock: a rebuild's consumer thread may be waiting for it in promote().
        toClose.forEach(TableGeneration::close);
    }

    private List<TableGeneration> runners() {
        List<TableGeneration> all = new ArrayList<>();
        if (active != null) {
            all.add(active);
        }
        if (building != null) {
            all.add(building);
        }
        return all;
    }
}
