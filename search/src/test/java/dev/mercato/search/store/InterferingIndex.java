package dev.mercato.search.store;

import dev.mercato.plane.consume.LogPartition;
import dev.mercato.search.Search;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real Lucene index with the faults and holds a test needs: a generation held at its first write until
 * released, and writes or commits that fail like a full disk (after writing part of a batch).
 */
final class InterferingIndex implements SearchIndex {

    private final SearchIndex real;
    private final Map<Integer, CountDownLatch> holds = new ConcurrentHashMap<>();
    final AtomicInteger failingApplies = new AtomicInteger();
    final AtomicInteger failingCommits = new AtomicInteger();
    /** Faults that actually happened. */
    final AtomicInteger failed = new AtomicInteger();

    InterferingIndex(SearchIndex real) {
        this.real = real;
    }

    @Override
    public String consumerGroup(dev.mercato.plane.consume.Generation generation) {
        return real.consumerGroup(generation);
    }

    @Override
    public boolean sharedByInstances() {
        return real.sharedByInstances();
    }

    /** Generation {@code number} waits at its first write until {@link #release(int)}. */
    void hold(int number) {
        holds.put(number, new CountDownLatch(1));
    }

    void release(int number) {
        holds.get(number).countDown();
    }

    @Override
    public Generations generations() {
        return real.generations();
    }

    @Override
    public void record(Generations generations) {
        real.record(generations);
    }

    @Override
    public Generation open(int number) {
        Generation g = real.open(number);
        return new Generation() {
            @Override
            public int number() {
                return g.number();
            }

            @Override
            public Map<LogPartition, Long> checkpoints() {
                return g.checkpoints();
            }

            @Override
            public void apply(List<ListingChange> changes) {
                CountDownLatch hold = holds.get(number);
                if (hold != null) {
                    try {
                        if (!hold.await(60, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("held for a minute");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
                if (changes.size() > 1 && failingApplies.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    g.apply(changes.subList(0, changes.size() / 2));
                    failed.incrementAndGet();
                    throw new UncheckedIOException(new IOException("No space left on device (simulated)"));
                }
                g.apply(changes);
            }

            @Override
            public void refresh() {
                g.refresh();
            }

            @Override
            public void commit(Map<LogPartition, Long> nextOffsets) {
                if (failingCommits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    failed.incrementAndGet();
                    throw new UncheckedIOException(new IOException("No space left on device (simulated)"));
                }
                g.commit(nextOffsets);
            }

            @Override
            public void rollback() {
                g.rollback();
            }

            @Override
            public long lastApplied(String streamKey) {
                return g.lastApplied(streamKey);
            }

            @Override
            public Search.Results search(Search.Query query) {
                return g.search(query);
            }

            @Override
            public long documents() {
                return g.documents();
            }

            @Override
            public Map<String, Object> details() {
                return g.details();
            }

            @Override
            public void close() {
                g.close();
            }
        };
    }

    @Override
    public void drop(int number) {
        real.drop(number);
    }

    @Override
    public List<Integer> stored() {
        return real.stored();
    }

    @Override
    public void close() {
        real.close();
    }
}
