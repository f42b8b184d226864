package dev.mercato.plane.batch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.dao.NonTransientDataAccessResourceException;

/**
 * Combines concurrent callers' writes of one kind into batches, each written by one call of {@code batch}
 * (one transaction, a few set-based statements), with no thread of its own: the first caller to arrive
 * while no batch is being written writes one, holding itself and everyone queued then; those arriving
 * meanwhile queue, and when it is done the first of them writes the next batch. A caller alone writes a
 * batch of one at once, so a quiet system waits for nothing; under load the batches grow with the queue
 * (up to {@code maxBatch}), and the cost of a commit and of each statement is shared.
 *
 * <p>Every caller gets its own outcome, only after the commit that holds its write (or its own exception),
 * and a failed batch splits before anyone is told: when {@code batch} fails on the data (a constraint, a
 * value the store refuses), each item is written again alone through {@code single}, so one bad item fails
 * only its own caller. When it fails on the store (no connection, a timeout, a serialization failure), every
 * caller in it gets that failure: writing them one by one would only wait for the store again each time.
 *
 * @param <I> what a caller writes
 * @param <O> what it gets back
 */
public final class Combiner<I, O> {

    /** Writes a batch in one transaction and returns one outcome per item, in the items' order. */
    @FunctionalInterface
    public interface Batch<I, O> {
        List<O> write(List<I> items);
    }

    private final String name;
    private final int maxBatch;
    private final Batch<I, O> batch;
    private final Function<I, O> single;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Waiting<I, O>> queue = new ArrayDeque<>();
    private boolean writing;
    private long batches;
    private long items;

    /**
     * @param name the write it combines, as metrics and logs name it (e.g. {@code orders.place})
     * @param maxBatch the most items in one batch
     * @param batch writes many items in one transaction
     * @param single writes one item alone: what a batch that failed on its data falls back to, item by item
     */
    public Combiner(String name, int maxBatch, Batch<I, O> batch, Function<I, O> single) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
        }
        this.name = Objects.requireNonNull(name);
        this.maxBatch = maxBatch;
        this.batch = Objects.requireNonNull(batch);
        this.single = Objects.requireNonNull(single);
    }

    /** Writes {@code item}, alone or with others, and returns its outcome once committed. */
    public O write(I item) {
        Waiting<I, O> me = new Waiting<>(item);
        lock.lock();
        try {
            queue.addLast(me);
            if (!writing) {
                writing = true;
                me.turn.complete(Turn.WRITE);
            }
        } finally {
            lock.unlock();
        }
        if (me.turn.join() == Turn.WRITE) {
            writeNext();
        }
        return me.outcome();
    }

    public String name() {
        return name;
    }

    /** The batches and items of several combiners together. */
    public static Stats total(Collection<? extends Combiner<?, ?>> combiners) {
        long batches = 0;
        long items = 0;
        for (Combiner<?, ?> c : combiners) {
            Stats s = c.stats();
            batches += s.batches();
            items += s.items();
        }
        return new Stats(batches, items);
    }

    /** Batches written and items they held, since start: their ratio is the mean batch size. */
    public Stats stats() {
        lock.lock();
        try {
            return new Stats(batches, items);
        } finally {
            lock.unlock();
        }
    }

    /** Callers waiting for a batch to take them (not those in the batch being written). */
    public int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Batches written and the items they held. */
    public record Stats(long batches, long items) {}

    /** Takes the queue's head (this caller, whose turn it is) and whoever waits behind, then hands on. */
    private void writeNext() {
        List<Waiting<I, O>> taken = new ArrayList<>();
        lock.lock();
        try {
            while (!queue.isEmpty() && taken.size() < maxBatch) {
                taken.add(queue.pollFirst());
            }
            batches++;
            items += taken.size();
        } finally {
            lock.unlock();
        }
        try {
            settle(taken);
        } finally {
            lock.lock();
            try {
                Waiting<I, O> next = queue.peekFirst();
                if (next == null) {
                    writing = false;
                } else {
                    next.turn.complete(Turn.WRITE);
                }
            } finally {
                lock.unlock();
            }
            for (Waiting<I, O> w : taken) {
                w.turn.complete(Turn.DONE);
            }
        }
    }

    private void settle(List<Waiting<I, O>> taken) {
        List<I> batchItems = taken.stream().map(w -> w.item).toList();
        List<O> outcomes;
        try {
            outcomes = batch.write(batchItems);
        } catch (RuntimeException | Error e) {
            if (taken.size() > 1 && splits(e)) {
                for (Waiting<I, O> w : taken) {
                    try {
                        w.value = single.apply(w.item);
                    } catch (RuntimeException | Error alone) {
                        w.failure = alone;
                    }
                }
            } else {
                taken.forEach(w -> w.failure = e);
            }
            return;
        }
        if (outcomes == null || outcomes.size() != taken.size()) {
            IllegalStateException wrong = new IllegalStateException("A batch of " + taken.size() + " items returned "
                    + (outcomes == null ? "no list" : outcomes.size() + " outcomes"));
            taken.forEach(w -> w.failure = wrong);
            return;
        }
        for (int i = 0; i < taken.size(); i++) {
            taken.get(i).value = outcomes.get(i);
        }
    }

    /** A failure of the data, which writing the items alone isolates; not one of the store. */
    private static boolean splits(Throwable e) {
        return e instanceof NonTransientDataAccessException && !(e instanceof NonTransientDataAccessResourceException);
    }

    private enum Turn {
        WRITE,
        DONE
    }

    private static final class Waiting<I, O> {
        final I item;
        final CompletableFuture<Turn> turn = new CompletableFuture<>();
        O value;
        Throwable failure;

        Waiting(I item) {
            this.item = item;
        }

        /** Read after {@code turn} completed DONE (or by the writer itself), which publishes the fields. */
        O outcome() {
            turn.join();
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            return value;
        }
    }
}
