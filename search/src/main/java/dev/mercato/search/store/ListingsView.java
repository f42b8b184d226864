package dev.mercato.search.store;

import dev.mercato.plane.Conflict;
import dev.mercato.plane.StoreProbe;
import dev.mercato.plane.consume.AppliedSignal;
import dev.mercato.plane.consume.Generation;
import dev.mercato.plane.consume.LogPartition;
import dev.mercato.plane.consume.LogRecord;
import dev.mercato.plane.consume.LogSource;
import dev.mercato.plane.consume.StandaloneView;
import dev.mercato.plane.consume.ViewFreshness;
import dev.mercato.plane.consume.ViewState;
import dev.mercato.search.Search;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search view: one document per SKU merged from catalog and inventory events, in an index this process
 * keeps (see {@link SearchIndex}), consumed from the log with its own checkpoints. It serves discovery
 * queries from the active generation, reports freshness, pauses, and rebuilds into a new generation from
 * the start of the log while the active one serves, then swaps.
 *
 * <p>It may lag, so its in-stock flag is indicative and it never decides whether something can be sold. A
 * record it can never apply (undecodable, or a payload it cannot read) is logged, counted ({@link
 * #skippedEvents()}) and skipped, not parked: the index is rebuilt from the log, which still holds it.
 */
public final class ListingsView implements StandaloneView, Search {

    public static final String NAME = "search";

    private static final Logger log = LoggerFactory.getLogger(ListingsView.class);

    private final String name;
    private final SearchIndex index;
    private final LogSource source;
    private final SearchSettings settings;
    private final Clock clock;
    private final AppliedSignal signal = new AppliedSignal();

    /** Whether a reader waits for its own write: then what was applied is shown at once. */
    boolean readersWaiting() {
        return signal.watched();
    }

    private final AtomicLong skipped = new AtomicLong();
    // Readers hold it shared; a swap holds it exclusively, so no read straddles generations or finds its
    // generation closed under it.
    private final ReentrantReadWriteLock swap = new ReentrantReadWriteLock();
    // Searches are CPU-bound: more at once than there are cores only time-slices them, so each waits for
    // the others' slices. Admitted in order instead, each runs at full speed.
    private final Semaphore searching;
    private volatile IndexGeneration active;
    private IndexGeneration building;
    private boolean paused;
    private boolean started;
    private volatile boolean closed;

    /** @param name the view's name, also the base of its consumer groups: {@link #NAME} but in tests */
    ListingsView(String name, SearchIndex index, LogSource source, SearchSettings settings, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.index = Objects.requireNonNull(index, "index");
        this.source = Objects.requireNonNull(source, "source");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.searching = new Semaphore(settings.concurrentSearches(), true);
        // Open now, so reads are answered (from what the index last held) before consuming starts.
        this.active = consumer(index.open(index.generations().active()), null);
    }

    /** The view on a Lucene index under {@code folder}; nothing is consumed before {@link #start()}. */
    public static ListingsView onLucene(Path folder, LogSource source, SearchSettings settings, Clock clock) {
        return new ListingsView(NAME, new LuceneSearchIndex(folder), source, settings, clock);
    }

    @Override
    public List<String> topics() {
        return settings.topics();
    }

    @Override
    public String name() {
        return name;
    }

    /** Starts consuming from the index's checkpoints; resumes a rebuild a previous run left unfinished. */
    @Override
    public synchronized void start() {
        if (closed || started) {
            throw new IllegalStateException("The search view can be started once");
        }
        started = true;
        SearchIndex.Generations g = index.generations();
        for (int n : index.stored()) {
            if (n != g.active() && (g.building().isEmpty() || n != g.building().getAsInt())) {
                // Left by a swap or an abandoned rebuild that a stop interrupted.
                index.drop(n);
            }
        }
        active.start(source, settings.topics());
        if (g.building().isPresent()) {
            log.info(
                    "Search view resumes rebuilding generation {}", g.building().getAsInt());
            building = consumer(index.open(g.building().getAsInt()), source.endOffsets(settings.topics()));
            building.start(source, settings.topics());
        }
        log.info("Search view started on generation {} of {}", g.active(), settings.topics());
    }

    @Override
    public Results search(Query query) {
        searching.acquireUninterruptibly();
        try {
            return read(g -> g.search(query));
        } finally {
            searching.release();
        }
    }

    @Override
    public List<ViewFreshness> freshness() {
        IndexGeneration a = active;
        IndexGeneration b;
        synchronized (this) {
            b = building;
            if (closed || !started) {
                return List.of(new ViewFreshness(name, a.number(), true, ViewState.STOPPED, List.of()));
            }
        }
        List<ViewFreshness> result = new ArrayList<>();
        result.add(a.freshness(true));
        if (b != null) {
            result.add(b.freshness(false));
        }
        return result;
    }

    @Override
    public synchronized void pause() {
        pause(true);
    }

    @Override
    public synchronized void resume() {
        pause(false);
    }

    private void pause(boolean pause) {
        paused = pause;
        active.pause(pause);
        if (building != null) {
            building.pause(pause);
        }
    }

    @Override
    public synchronized Generation rebuild() {
        if (closed || !started) {
            throw new Conflict("view-stopped", "The search view is not running; it cannot be rebuilt");
        }
        if (building != null) {
            throw new Conflict(
                    "rebuild-in-progress",
                    "The search view is already rebuilding generation " + building.number()
                            + "; wait for it to be swapped in (GET /api/v1/plane/views)",
                    java.util.Map.of("generation", building.number()));
        }
        var target = source.endOffsets(settings.topics());
        int next = active.number() + 1;
        index.drop(next);
        SearchIndex.Generation fresh = index.open(next);
        index.record(new SearchIndex.Generations(active.number(), OptionalInt.of(next)));
        log.info("Search view rebuilds into generation {} up to {}", next, target);
        building = consumer(fresh, target);
        building.pause(paused);
        building.start(source, settings.topics());
        return new Generation(name, next);
    }

    @Override
    public boolean reads(String source) {
        return dev.mercato.plane.events.Topics.carry(settings.topics(), source);
    }

    @Override
    public boolean awaitApplied(String streamKey, long sequence, Duration timeout) {
        return signal.await(streamKey, sequence, timeout, () -> read(g -> g.lastApplied(streamKey)));
    }

    @Override
    public long skippedEvents() {
        return skipped.get();
    }

    /** The index as a health component: up while the view serves, with its generation and size. */
    public StoreProbe probe() {
        return new StoreProbe() {
            @Override
            public String name() {
                return "lucene";
            }

            @Override
            public Result check() {
                try {
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("generation", active.number());
                    details.putAll(read(SearchIndex.Generation::details));
                    return Result.up(details);
                } catch (RuntimeException e) {
                    return Result.down(Map.of("error", e.toString()));
                }
            }
        };
    }

    /** Stops consuming, makes what was applied durable and closes the index. */
    @Override
    public void close() {
        stop(true);
    }

    /** Stops as a crash would: the index keeps only its last durable commit. For tests of recovery. */
    void halt() {
        stop(false);
    }

    private void stop(boolean commit) {
        List<IndexGeneration> consumers = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            consumers.add(active);
            if (building != null) {
                consumers.add(building);
            }
        }
        // Outside the lock: a rebuild's consumer thread may be waiting for it in promote().
        consumers.forEach(IndexGeneration::stopConsuming);
        swap.writeLock().lock();
        try {
            consumers.forEach(c -> c.closeIndex(commit));
        } finally {
            swap.writeLock().unlock();
        }
        index.close();
    }

    /** A generation's batch is visible to readers; only the active generation's wakes them. */
    void applied(IndexGeneration consumer, List<ListingChange> changes) {
        if (consumer == active) {
            for (ListingChange c : changes) {
                signal.applied(c.streamKey(), c.sequence());
            }
        }
    }

    void skipped(Generation generation, LogRecord record, String reason) {
        skipped.incrementAndGet();
        log.error(
                "{} skipped the record at {}@{} (key {}), which it can never apply: {}",
                generation.consumerGroup(),
                record.partition(),
                record.offset(),
                record.key(),
                reason);
    }

    /**
     * Swaps a caught-up rebuild in: made durable, recorded as active, then readers move to it under the
     * exclusive lock, and the old generation stops and is deleted. Called on the new generation's thread.
     */
    synchronized void promote(IndexGeneration runner) {
        if (closed || building != runner) {
            return;
        }
        try {
            runner.prepareToServe();
            index.record(new SearchIndex.Generations(runner.number(), OptionalInt.empty()));
        } catch (RuntimeException e) {
            log.warn("Search view could not swap in generation {} yet: {}", runner.number(), e.toString());
            return;
        }
        IndexGeneration old = active;
        swap.writeLock().lock();
        try {
            active = runner;
            building = null;
        } finally {
            swap.writeLock().unlock();
        }
        runner.activated();
        signal.generationChanged();
        log.info("Search view now reads generation {}; deleting {}", runner.number(), old.number());
        old.stopConsuming();
        old.closeIndex(false);
        try {
            index.drop(old.number());
        } catch (RuntimeException e) {
            log.warn("Search view could not delete generation {}; the next start does: {}", old.number(), e.toString());
        }
    }

    /** The group a generation's consumer joins: the index decides (see {@link SearchIndex#consumerGroup}). */
    String consumerGroup(Generation generation) {
        return index.consumerGroup(generation);
    }

    /** Whether instances share the index, so its consumers share a group (see {@link SearchIndex}). */
    boolean sharedByInstances() {
        return index.sharedByInstances();
    }

    private IndexGeneration consumer(SearchIndex.Generation generation, Map<LogPartition, Long> target) {
        IndexGeneration g = new IndexGeneration(this, generation, settings, clock);
        return target == null ? g : g.rebuilding(target);
    }

    private <T> T read(Function<SearchIndex.Generation, T> read) {
        swap.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("The search view is closed");
            }
            return read.apply(active.index());
        } finally {
            swap.readLock().unlock();
        }
    }
}
