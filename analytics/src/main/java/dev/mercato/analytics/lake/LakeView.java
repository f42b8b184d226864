package dev.mercato.analytics.lake;

import dev.mercato.plane.consume.AppliedSignal;
import dev.mercato.plane.consume.Generation;
import dev.mercato.plane.consume.LocalCopy;
import dev.mercato.plane.consume.LogPartition;
import dev.mercato.plane.consume.LogRecord;
import dev.mercato.plane.consume.LogSink;
import dev.mercato.plane.consume.LogSource;
import dev.mercato.plane.consume.LogSubscription;
import dev.mercato.plane.consume.PartitionFreshness;
import dev.mercato.plane.consume.PartitionProgress;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analytics consumer: every capability's topic into the Parquet lake. Records are buffered per
 * partition and written every {@code flushEvery} records or {@code flushInterval}, whichever comes first;
 * only a written file counts as applied. The lake's checkpoint is its file names: on start each partition
 * resumes after the highest offset a file covers, and a record whose offset a file already covers is
 * skipped, so re-reading any range of the log (a restart, a repair) writes nothing twice.
 *
 * <p>It has one generation: a "rebuild" re-reads the log from its start into the same lake, which writes
 * only what no file covers yet, so it refills lost files and nothing else.
 *
 * <p>{@link #compact} merges each partition's small files (see {@code Compactor}), one partition at a time,
 * on the caller's thread. While a partition is being compacted the consumer writes none of its files: a flush
 * that falls due then waits in the buffer for the next one (a flush that must happen, on close, rebuild or a
 * revocation, waits for the merge), so a merge's inputs are every file of its range.
 */
public final class LakeView implements StandaloneView, LogSink {

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
    private final Map<LogPartition, PartitionProgress> progress = new ConcurrentHashMap<>();
    // Guarded by this.
    private final Map<LogPartition, List<LakeWriter.Entry>> buffers = new HashMap<>();
    private final Map<LogPartition, long[]> bufferRange = new HashMap<>();
    private final Map<LogPartition, Long> bufferSince = new HashMap<>();
    // The highest covered offset skipped while the partition's buffer was open: applied once it is written.
    private final Map<LogPartition, Long> coveredWhileBuffered = new HashMap<>();
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
    private Coverage coverage;
    private LakeWriter writer;
    private Compactor compactor;
    // The partition being compacted, and the files flushed since compaction listed the lake. Guarded by this.
    private LogPartition compacting;
    private Map<LogPartition, List<LakeFile>> flushedSinceListing;
    private final Object compactionRun = new Object();
    private LogSubscription subscription;
    private boolean fromStart;
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
    public synchronized void start() {
        if (running) {
            return;
        }
        writer = LakeWriter.open(lake);
        // A merge a crash interrupted after its rename is finished: the inputs its file supersedes go.
        int swept = Compactor.sweep(writer.root());
        if (swept > 0) {
            log.info("{} deleted {} lake files that merged files supersede", NAME, swept);
        }
        compactor = new Compactor(writer.root(), compaction.after(), compaction.targetBytes());
        coverage = Coverage.scan(lake);
        running = true;
        // The lake is this process's own copy, its group's only reader: it takes every partition itself.
        subscription = source.assign(LocalCopy.consumerGroup(generation, lake), topics, this);
    }

    @Override
    public void close() {
        LogSubscription s;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            s = subscription;
            subscription = null;
        }
        if (s != null) {
            s.close();
        }
        synchronized (this) {
            try {
                for (LogPartition p : List.copyOf(buffers.keySet())) {
                    flush(p, true);
                }
            } catch (RuntimeException e) {
                log.warn(
                        "{} could not write its last records on close; a restart reads them again: {}",
                        NAME,
                        e.toString());
            }
            // A merge in progress finishes its partition; compaction starts no other once stopped.
            while (compacting != null) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            writer.close();
            compactor.close();
        }
    }

    @Override
    public List<ViewFreshness> freshness() {
        ViewState state = !running ? ViewState.STOPPED : paused ? ViewState.PAUSED : ViewState.RUNNING;
        var now = clock.instant();
        List<PartitionFreshness> partitions = progress.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(
                        Comparator.comparing(LogPartition::topic).thenComparing(LogPartition::partition)))
                .map(e -> e.getValue().freshness(state, now))
                .toList();
        return List.of(ViewFreshness.of(NAME, 1, true, state, partitions));
    }

    @Override
    public void pause() {
        paused = true;
    }

    @Override
    public void resume() {
        paused = false;
    }

    /** Re-reads the log from its start into the same lake: only offsets no file covers are written. */
    @Override
    public Generation rebuild() {
        LogSubscription old;
        synchronized (this) {
            if (!running) {
                throw new IllegalStateException("the lake consumer is stopped");
            }
            old = subscription;
            subscription = null;
        }
        old.close();
        synchronized (this) {
            for (LogPartition p : List.copyOf(buffers.keySet())) {
                flush(p, true);
            }
            // Not while a merge renames and deletes: a listing then could miss its file and its inputs both.
            while (compacting != null) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for compaction", e);
                }
            }
            coverage = Coverage.scan(lake);
            fromStart = true;
            subscription = source.assign(LocalCopy.consumerGroup(generation, lake), topics, this);
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

    @Override
    public synchronized Map<LogPartition, Long> assigned(Collection<LogPartition> partitions) {
        Map<LogPartition, Long> positions = new HashMap<>();
        for (LogPartition p : partitions) {
            long at = fromStart ? 0 : coverage.resumeAt(p).orElse(0L);
            positions.put(p, at);
            progress.put(p, new PartitionProgress(p, at));
        }
        log.info("{} assigned {} at {}", generation.consumerGroup(), partitions, positions);
        return positions;
    }

    @Override
    public synchronized void revoked(Collection<LogPartition> partitions) {
        for (LogPartition p : partitions) {
            flush(p, true);
            progress.remove(p);
        }
    }

    @Override
    public boolean accepting() {
        return !paused && running;
    }

    @Override
    public synchronized void accept(List<LogRecord> records) {
        for (LogRecord r : records) {
            LogPartition p = r.partition();
            if (r.event() != null
                    && coverage.covers(
                            new LakeFile.Slot(p, LakeWriter.dateOf(r.event()), LakeWriter.typeOf(r.event())),
                            r.offset())) {
                // Already in its file. A range that spans it is harmless: it is not written twice.
                if (!bufferRange.containsKey(p)) {
                    advance(p, r.offset() + 1);
                } else {
                    coveredWhileBuffered.merge(p, r.offset(), Math::max);
                }
                continue;
            }
            long[] range = bufferRange.computeIfAbsent(p, k -> new long[] {r.offset(), r.offset()});
            range[1] = r.offset();
            bufferSince.putIfAbsent(p, System.nanoTime());
            List<LakeWriter.Entry> buffer = buffers.computeIfAbsent(p, k -> new ArrayList<>());
            if (r.event() == null) {
                skipped.incrementAndGet();
                log.warn("{} skips undecodable record {}@{}: {}", NAME, p, r.offset(), r.undecodable());
            } else {
                buffer.add(new LakeWriter.Entry(p, r.offset(), r.key(), r.event()));
            }
            if (range[1] - range[0] + 1 >= flushEvery) {
                flush(p, false);
            }
        }
        flushDue();
    }

    @Override
    public synchronized void observed(LogPartition partition, long logEnd, java.time.Instant oldestWaiting) {
        PartitionProgress p = progress.get(partition);
        if (p != null) {
            p.observed(logEnd, oldestWaiting, clock.instant());
        }
        flushDue();
    }

    private void flushDue() {
        long now = System.nanoTime();
        for (Map.Entry<LogPartition, Long> e : List.copyOf(bufferSince.entrySet())) {
            if (now - e.getValue() >= flushInterval.toNanos()) {
                flush(e.getKey(), false);
            }
        }
    }

    /**
     * Writes a partition's buffer; on failure it stays buffered and is tried again at the next flush. While the
     * partition is being compacted it waits for the merge when {@code mustWrite}, else stays buffered.
     */
    private void flush(LogPartition p, boolean mustWrite) {
        long[] range = bufferRange.get(p);
        if (range == null) {
            return;
        }
        while (p.equals(compacting)) {
            if (!mustWrite) {
                return;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        List<LakeWriter.Entry> buffer = buffers.getOrDefault(p, List.of());
        List<LakeFile> files;
        try {
            files = writer.write(p, buffer, range[0], range[1]);
        } catch (RuntimeException e) {
            // Nothing was renamed into the lake: the records stay buffered, the partition's position with
            // them, and the next flush tries again (the log keeps them meanwhile).
            log.warn(
                    "{} could not write {} records of {}; retrying at the next flush: {}",
                    NAME,
                    buffer.size(),
                    p,
                    e.toString());
            return;
        }
        filesWritten.addAndGet(files.size());
        files.forEach(coverage::add);
        if (flushedSinceListing != null) {
            flushedSinceListing.computeIfAbsent(p, k -> new ArrayList<>()).addAll(files);
        }
        for (LakeWriter.Entry e : buffer) {
            String stream = e.event().streamKey();
            written.merge(stream, e.event().sequence(), Math::max);
            signal.applied(stream, e.event().sequence());
        }
        buffers.remove(p);
        bufferRange.remove(p);
        bufferSince.remove(p);
        // Covered records read after the buffer's last one are applied too, or a re-read whose last records
        // are covered would stay behind by them until the next record arrives.
        Long covered = coveredWhileBuffered.remove(p);
        advance(p, Math.max(range[1], covered == null ? range[1] : covered) + 1);
        notifyAll();
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

    private void advance(LogPartition p, long next) {
        PartitionProgress pp = progress.get(p);
        if (pp != null) {
            pp.applied(next, clock.instant());
        }
    }
}
