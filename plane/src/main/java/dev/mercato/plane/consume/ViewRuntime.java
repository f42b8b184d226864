package dev.mercato.plane.consume;

import dev.mercato.plane.NotFound;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs derived views: one consumer group per view and generation, each event applied exactly once per key
 * and sequence, with freshness, dead letters, pause, and rebuild into a new generation.
 *
 * <p>A view's schema, role and pool come from {@link PostgresStores#open(String)}; the runtime's own tables
 * are migrated into that schema from {@code db/plane/view} with their own Flyway history.
 */
public final class ViewRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ViewRuntime.class);
    static final String MIGRATIONS = "classpath:db/plane/view";
    static final String HISTORY = "plane_view_history";

    private static final int FORGET_BATCH = 5_000;

    private final PostgresStores stores;
    private final LogSource source;
    private final ViewSettings settings;
    private final Clock clock;
    private final Map<String, ViewHandle> views = new LinkedHashMap<>();
    // Stopped views and the generation they last served, so freshness can still name them.
    private final Map<String, Integer> stopped = new LinkedHashMap<>();

    public ViewRuntime(PostgresStores stores, LogSource source, ViewSettings settings, Clock clock) {
        this.stores = Objects.requireNonNull(stores, "stores");
        this.source = Objects.requireNonNull(source, "source");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public ViewRuntime(PostgresStores stores, LogSource source) {
        this(stores, source, ViewSettings.DEFAULT, Clock.systemUTC());
    }

    /**
     * Provisions the view's schema, creates generation 1 on first start, and starts consuming from the
     * stored checkpoints (the start of the log for a new view). Resumes a rebuild an earlier run left.
     */
    public synchronized void start(View view) {
        if (views.containsKey(view.name())) {
            throw new IllegalStateException("View " + view.name() + " is already running");
        }
        CapabilityStore store = stores.open(view.name());
        stores.migrate(store, MIGRATIONS, HISTORY);
        ViewHandle handle = new ViewHandle(view, store, source, settings, clock);
        try {
            handle.start();
        } catch (RuntimeException e) {
            // A half-started view must not leave a consumer running that nobody can stop.
            handle.close();
            throw e;
        }
        views.put(view.name(), handle);
        stopped.remove(view.name());
        log.info("View {} started on {}", view.name(), view.topics());
    }

    /** Stops a view's consumers; its freshness then says STOPPED until it is started again. */
    public void stop(String view) {
        ViewHandle handle;
        synchronized (this) {
            handle = views.remove(view);
            if (handle == null) {
                return;
            }
            stopped.put(view, handle.activeNumber());
        }
        handle.close();
    }

    /** Freshness of every generation of every view this runtime knows, stopped ones included. */
    public List<ViewFreshness> freshness() {
        List<ViewHandle> running;
        Map<String, Integer> halted;
        synchronized (this) {
            running = new ArrayList<>(views.values());
            halted = new LinkedHashMap<>(stopped);
        }
        List<ViewFreshness> result = new ArrayList<>();
        running.forEach(h -> result.addAll(h.freshness()));
        halted.forEach((name, generation) ->
                result.add(new ViewFreshness(name, generation, true, ViewState.STOPPED, List.of())));
        return result;
    }

    /**
     * Forgets the per-key progress of keys whose last event was applied more than {@code idle} ago, in
     * every view that is caught up and not rebuilding; returns how many keys were forgotten. The rows
     * exist to skip an event delivered twice (a relay that published, then crashed before marking its
     * outbox row). A copy of an event can only be published while its outbox row is unmarked, so once a
     * view has applied everything in the log and a key has been idle for far longer than any relay stays
     * down, no copy of its events can still arrive; the key's next event, if one ever comes, carries a
     * higher sequence than any before it (the outbox never hands a key a sequence twice), so it starts a
     * new row. Blocked keys (with parked events) are kept. Deletes in batches, each its own transaction.
     */
    public int forgetIdleKeys(Duration idle) {
        List<ViewHandle> running;
        synchronized (this) {
            running = new ArrayList<>(views.values());
        }
        int forgotten = 0;
        for (ViewHandle h : running) {
            List<ViewFreshness> generations = h.freshness();
            boolean caughtUp = generations.size() == 1
                    && generations.getFirst().state() == ViewState.RUNNING
                    && !generations.getFirst().partitions().isEmpty()
                    && generations.getFirst().lagEvents() == 0;
            if (!caughtUp) {
                continue;
            }
            int generation = generations.getFirst().generation();
            java.time.Instant cutoff = clock.instant().minus(idle);
            int deleted;
            do {
                deleted = h.transaction(() -> h.books().forgetIdleKeys(generation, cutoff, FORGET_BATCH));
                forgotten += deleted;
            } while (deleted == FORGET_BATCH);
        }
        return forgotten;
    }

    /** Freshness of one view's generations: the active one first, then one being rebuilt. */
    public List<ViewFreshness> freshness(String view) {
        return freshness().stream().filter(f -> f.view().equals(view)).toList();
    }

    /** The topics a running view reads. */
    public List<String> topics(String view) {
        return handle(view).view().topics();
    }

    public void pause(String view) {
        handle(view).pause(true);
    }

    public void resume(String view) {
        handle(view).pause(false);
    }

    /**
     * Starts filling a new generation from the start of the log with a new consumer group. The active
     * generation keeps serving reads and applying events; once the new one reaches the log end seen now,
     * it is swapped in and the old one's tables are dropped. Returns the new generation.
     */
    public Generation rebuild(String view) {
        return handle(view).rebuild();
    }

    /** The generation readers should use right now; prefer {@link #read} which also holds off its drop. */
    public Generation activeGeneration(String view) {
        ViewHandle h = handle(view);
        return h.generation(h.transaction(() -> h.books().active()));
    }

    /**
     * Reads the active generation in one transaction. A swap waits for running reads, so a reader never
     * finds its generation's tables dropped under it.
     */
    public <T> T read(String view, ViewReader<T> reader) {
        ViewHandle h = handle(view);
        return h.transaction(() -> {
            h.books().lockForReading();
            return reader.read(h.store().jdbc(), h.generation(h.books().active()));
        });
    }

    /** Whether the active generation has applied {@code sequence} (or later) of {@code key}. */
    public boolean hasApplied(String view, String key, long sequence) {
        return lastApplied(handle(view), key) >= sequence;
    }

    /**
     * Waits until the active generation has applied {@code sequence} of {@code key}, for read-your-writes.
     * Returns false when the timeout passes first (or the thread is interrupted).
     */
    public boolean awaitApplied(String view, String key, long sequence, Duration timeout) {
        ViewHandle h = handle(view);
        return h.signal().await(key, sequence, timeout, () -> lastApplied(h, key));
    }

    public DeadLetters deadLetters(String view) {
        return new DeadLetters(handle(view));
    }

    /**
     * The named view as operators and readers address every derived view. It asks this runtime by name on
     * each call, so it may be taken before the view starts and keeps reporting after it stops.
     */
    public DerivedView derived(String view) {
        return new RuntimeView(this, Objects.requireNonNull(view, "view"));
    }

    /** Stops every view's consumers; each stops within a few seconds. */
    @Override
    public void close() {
        List<ViewHandle> all;
        synchronized (this) {
            all = new ArrayList<>(views.values());
            views.clear();
        }
        all.forEach(ViewHandle::close);
    }

    private static long lastApplied(ViewHandle h, String key) {
        return h.transaction(() -> h.books().lastAppliedInActive(key));
    }

    synchronized ViewHandle handle(String view) {
        ViewHandle h = views.get(view);
        if (h == null) {
            throw new NotFound("running view", view);
        }
        return h;
    }
}
