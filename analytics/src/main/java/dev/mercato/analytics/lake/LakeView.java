package dev.mercato.analytics.lake;

import dev.mercato.plane.consume.AppliedSignal;
import dev.mercato.plane.consume.BatchRunner;
import dev.mercato.plane.consume.BatchStore;
import dev.mercato.plane.consume.Generation;
import dev.mercato.plane.consume.LocalCopy;
import dev.mercato.plane.consume.LogPartition;
import dev.mercato.plane.consume.LogRecord;
import dev.mercato.plane.consume.LogSource;
import dev.mercato.plane.consume.StandaloneView;
import dev.mercato.plane.consume.ViewFreshness;
import dev.mercato.plane.consume.ViewState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analytics consumer: every capability's topic into the Parquet lake, run by the plane's view runtime
 * ({@link BatchRunner}) with the lake as its store. Records are buffered and written as files every {@code
 * flushEvery} records or {@code flushInterval}, whichever comes first (the runner's commit); only a written
 * file counts as applied. The lake's checkpoint is its file names: on start each partition resumes after the
 * highest offset a file covers, and a record whose offset a file already covers is skipped, so re-reading any
 * range of the log (a restart, a repair, the runner's retry after a failed write) writes nothing twice.
 *
 * <p>It has one generation: a "rebuild" re-reads the log from its start into the same lake, which writes
 * only what no file covers yet, so it refills lost files and nothing else.
 *
 * <p>{@link #compact} merges each partition's small files (see {@code Compactor}), one partition at a time,
 * on the caller's thread. While a partition is being compacted the consumer writes none of its files: a
 * flush waits for that partition's merge to finish, so a merge's inputs are every file of its range.
 */
public final class LakeView implements StandaloneView {

    public static final String NAME = "analytics-lake";

    private static final Logger log = LoggerFactory.getLogger(LakeView.class);

    private final Path lake;
    private final LogSource source;
    private final List<String> topics;
    private final int flushEvery;
    private final Duration flushInterval;
    /** Streams whose last written sequence is remembered for read-your-writes (a few MB at most). */
    static final int RECENT_STREAMS = 20_000;

    private final Clock clock;
    private final Compaction compaction;
    private final Generation generation = new Generation(NAME, 1);
    // Highest sequence written per stream, for read-your-writes, for the streams written most recently: a
    // reader asks right after its own write. Bounded, since every order, reservation and payment is a
    // stream of its own (unbounded, this map grew by three entries per order). Guarded by this.
    private final Map<String, Long> written = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > recentStreams;
        }
    };
    // Tests lower it to see the bound hold. Guarded by this.
    int recentStreams = RECENT_STREAMS;
    // Readers waiting for their own write: what is written of a stream they wait for is kept for them
    // whatever the eviction above does.
    private final AppliedSignal signal = new AppliedSignal();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong filesWritten = new AtomicLong();
    // Guarded by this.
    private Coverage coverage;
    private LakeWriter writer;
    private Compactor compactor;
    // The partition being compacted, and the files flushed since compaction listed the lake. Guarded by this.
    private LogPartition compacting;
    private Map<LogPartition, List<LakeFile>> flushedSinceListing;
    private final Object compactionRun = new Object();
    // Started, stopped and replaced (by a rebuild) under lifecycle; never called into while holding this.
    private final Object lifecycle = new Object();
    private volatile BatchRunner runner;
    private volatile boolean running;
    private volatile boolean paused;

    /**
     * How the lake's small files are merged.
     *
     * @param after how old a file the consumer wrote must be before it is merged
     * @param targetBytes about how many bytes of files one merge reads at most
     */
    public record Compaction(Duration after, long targetBytes) {

        public static final Compaction DEFAULT = new Compaction(Duration.ofMinutes(1), 128L << 20);

        public Compaction {
            if (after.isNegative() || targetBytes < 1) {
                throw new IllegalArgumentException(
                        "compaction needs a non-negative age and a positive target size, got " + after + ", "
                                + targetBytes);
            }
        }
    }

    /** What one compaction did: merges made, merged files written, files deleted (inputs and leftovers). */
    public record Compacted(int merges, int written, int deleted) {
        public static final Compacted NONE = new Compacted(0, 0, 0);
    }

    public LakeView(
            Path lake, LogSource source, List<String> topics, int flushEvery, Duration flushInterval, Clock clock) {
        this(lake, source, topics, flushEvery, flushInterval, Compaction.DEFAULT, clock);
    }

    public LakeView(
            Path lake,
            LogSource source,
            List<String> topics,
            int flushEvery,
            Duration flushInterval,
            Compaction compaction,
            Clock clock) {
        this.compaction = compaction;
        this.lake = lake;
        this.source = source;
        this.topics = List.copyOf(topics);
        this.flushEvery = flushEvery;
        this.flushInterval = flushInterval;
        this.clock = clock;
    }

    public Path root() {
        return lake;
    }

    @Override
    public List<String> topics() {
        return topics;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (running) {
                return;
            }
            synchronized (this) {
                writer = LakeWriter.open(lake);
                // A merge a crash interrupted after its rename is finished: the inputs its file supersedes go.
                int swept = Compactor.sweep(writer.root());
                if (swept > 0) {
                    log.info("{} deleted {} lake files that merged files supersede", NAME, swept);
                }
                compactor = new Compactor(writer.root(), compaction.after(), compaction.targetBytes());
                coverage = Coverage.scan(lake);
            }
            running = true;
            consume(false);
        }
    }

    /**
     * Starts a runner on the lake: from the files' coverage, or from the start of the log. The lake is this
     * process's own copy, its group's only reader: it takes every partition itself.
     */
    private void consume(boolean fromStart) {
        BatchRunner r = new BatchRunner(
                generation, new Files(fromStart), BatchStore.Policy.commitOnly(flushEvery, flushInterval), clock);
        r.pause(paused);
        runner = r;
        r.start(source, LocalCopy.consumerGroup(generation, lake), topics, false);
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (!running) {
                return;
            }
            running = false;
            BatchRunner r = runner;
            r.stop();
            r.finish(true);
            synchronized (this) {
                // A merge in progress finishes its partition; compaction starts no other once stopped.
                awaitNoCompaction();
                writer.close();
                compactor.close();
            }
        }
    }

    private void awaitNoCompaction() {
        while (compacting != null) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for compaction", e);
            }
        }
    }

    @Override
    public List<ViewFreshness> freshness() {
        if (!running) {
            return List.of(new ViewFreshness(NAME, 1, true, ViewState.STOPPED, List.of()));
        }
        return List.of(runner.freshness(true));
    }

    @Override
    public void pause() {
        paused = true;
        BatchRunner r = runner;
        if (r != null) {
            r.pause(true);
        }
    }

    @Override
    public void resume() {
        paused = false;
        BatchRunner r = runner;
        if (r != null) {
            r.pause(false);
        }
    }

    /** Re-reads the log from its start into the same lake: only offsets no file covers are written. */
    @Override
    public Generation rebuild() {
        synchronized (lifecycle) {
            if (!running) {
                throw new IllegalStateException("the lake consumer is stopped");
            }
            BatchRunner old = runner;
            old.stop();
            old.finish(true);
            synchronized (this) {
                // Not while a merge renames and deletes: a listing then could miss its file and its inputs both.
                awaitNoCompaction();
                coverage = Coverage.scan(lake);
            }
            consume(true);
        }
        return generation;
    }

    /**
     * Read-your-writes: true once {@code sequence} of the stream is in a written file. Answered from the
     * {@value #RECENT_STREAMS} streams written most recently, and for a stream someone waits for, from
     * everything written while they wait; a token for a stream written longer ago than that waits out its
     * timeout and its read is answered as possibly stale.
     */
    @Override
    public boolean awaitApplied(String streamKey, long sequence, Duration timeout) {
        return signal.await(streamKey, sequence, timeout, () -> recentlyWritten(streamKey));
    }

    private synchronized long recentlyWritten(String streamKey) {
        return written.getOrDefault(streamKey, 0L);
    }

    @Override
    public long skippedEvents() {
        return skipped.get();
    }

    /** How many streams' written sequences are remembered now, and whether a reader waits for {@code stream}. */
    synchronized int rememberedStreams() {
        return written.size();
    }

    boolean watching(String stream) {
        return signal.watching(stream);
    }

    /** Files written since start. */
    public long filesWritten() {
        return filesWritten.get();
    }

    /**
     * Records fetched but not yet written, over every partition: part of how far the warehouse is behind;
     * {@link ViewFreshness#UNKNOWN} until the consumer holds its partitions and has read their log ends.
     */
    public long lagEvents() {
        return freshness().getFirst().lagEvents();
    }

    /** Age of the oldest record not yet written, or {@link ViewFreshness#UNKNOWN}. */
    public long lagMillis() {
        return freshness().getFirst().lagMillis();
    }

    /**
     * The lake as the runner's store. Records are buffered per partition, from the first offset no file
     * covers to the last; a commit writes every partition's buffer as files (waiting for a merge of that
     * partition to finish first) and only then counts them as applied. A write that fails leaves nothing
     * renamed into the lake; the runner then drops the buffers ({@link #rollback}) and buffers the records
     * again, skipping those the files written meanwhile cover.
     */
    private final class Files implements BatchStore {

        private final boolean fromStart;
        // Runner's thread only.
        private final Map<LogPartition, List<LakeWriter.Entry>> buffers = new HashMap<>();
        private final Map<LogPartition, long[]> ranges = new HashMap<>();
        // The highest offset per partition whose skip was counted, so a record applied again is not counted twice.
        private final Map<LogPartition, Long> skippedUpTo = new HashMap<>();

        Files(boolean fromStart) {
            this.fromStart = fromStart;
        }

        @Override
        public Map<LogPartition, Long> checkpoints(Collection<LogPartition> partitions) {
            Map<LogPartition, Long> positions = new HashMap<>();
            synchronized (LakeView.this) {
                for (LogPartition p : partitions) {
                    positions.put(p, fromStart ? 0 : coverage.resumeAt(p).orElse(0L));
                }
            }
            return positions;
        }

        @Override
        public void apply(List<LogRecord> records) {
            synchronized (LakeView.this) {
                for (LogRecord r : records) {
                    LogPartition p = r.partition();
                    if (r.event() != null
                            && coverage.covers(
                                    new LakeFile.Slot(p, LakeWriter.dateOf(r.event()), LakeWriter.typeOf(r.event())),
                                    r.offset())) {
                        // Already in its file. A range that spans it is harmless: it is not written twice.
                        continue;
                    }
                    long[] range = ranges.computeIfAbsent(p, k -> new long[] {r.offset(), r.offset()});
                    range[1] = r.offset();
                    List<LakeWriter.Entry> buffer = buffers.computeIfAbsent(p, k -> new ArrayList<>());
                    if (r.event() == null) {
                        if (r.offset() > skippedUpTo.getOrDefault(p, -1L)) {
                            skippedUpTo.put(p, r.offset());
                            skipped.incrementAndGet();
                            log.warn("{} skips undecodable record {}@{}: {}", NAME, p, r.offset(), r.undecodable());
                        }
                    } else {
                        buffer.add(new LakeWriter.Entry(p, r.offset(), r.key(), r.event()));
                    }
                }
            }
        }

        /** Writes each partition's buffer; a partition's file waits for a merge of that partition to end. */
        @Override
        public void commit(Map<LogPartition, Long> nextOffsets) {
            synchronized (LakeView.this) {
                for (LogPartition p : List.copyOf(ranges.keySet())) {
                    while (p.equals(compacting)) {
                        try {
                            LakeView.this.wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException("interrupted while waiting for compaction", e);
                        }
                    }
                    long[] range = ranges.get(p);
                    List<LakeWriter.Entry> buffer = buffers.getOrDefault(p, List.of());
                    List<LakeFile> files = writer.write(p, buffer, range[0], range[1]);
                    filesWritten.addAndGet(files.size());
                    files.forEach(coverage::add);
                    if (flushedSinceListing != null) {
                        flushedSinceListing
                                .computeIfAbsent(p, k -> new ArrayList<>())
                                .addAll(files);
                    }
                    for (LakeWriter.Entry e : buffer) {
                        String stream = e.event().streamKey();
                        written.merge(stream, e.event().sequence(), Math::max);
                        signal.applied(stream, e.event().sequence());
                    }
                    buffers.remove(p);
                    ranges.remove(p);
                }
                LakeView.this.notifyAll();
            }
        }

        @Override
        public void rollback() {
            buffers.clear();
            ranges.clear();
        }
    }

    /**
     * Merges the small files of every partition of the lake, one partition at a time (see {@code Compactor}),
     * after deleting any file a merged one supersedes. Does nothing while the view is stopped. A partition whose
     * merge fails is logged and tried again next time; what it had done stays consistent.
     */
    public Compacted compact() {
        synchronized (compactionRun) {
            Compactor c;
            Map<LogPartition, List<LakeFile>> since = new HashMap<>();
            synchronized (this) {
                if (!running) {
                    return Compacted.NONE;
                }
                c = compactor;
                flushedSinceListing = since;
            }
            try {
                Map<LogPartition, List<LakeFile>> byPartition = new java.util.TreeMap<>(
                        Comparator.comparing(LogPartition::topic).thenComparing(LogPartition::partition));
                for (LakeFile f : LakeFile.list(writer.root())) {
                    byPartition
                            .computeIfAbsent(f.partition(), k -> new ArrayList<>())
                            .add(f);
                }
                Compactor.Done done = Compactor.Done.NONE;
                for (Map.Entry<LogPartition, List<LakeFile>> e : byPartition.entrySet()) {
                    LogPartition p = e.getKey();
                    List<LakeFile> files = new ArrayList<>(e.getValue());
                    synchronized (this) {
                        if (!running) {
                            break;
                        }
                        compacting = p;
                        // What the consumer wrote between the listing and now: the merge must see every file.
                        files.addAll(since.getOrDefault(p, List.of()));
                    }
                    try {
                        done = done.plus(c.compact(p, files, clock.instant()));
                    } catch (RuntimeException ex) {
                        log.warn("{} could not compact {}; trying again next time: {}", NAME, p, ex.toString());
                    } finally {
                        synchronized (this) {
                            compacting = null;
                            notifyAll();
                        }
                    }
                }
                return new Compacted(done.merges(), done.written(), done.deleted());
            } finally {
                synchronized (this) {
                    flushedSinceListing = null;
                }
            }
        }
    }
}
