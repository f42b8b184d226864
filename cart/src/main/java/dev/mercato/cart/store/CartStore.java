package dev.mercato.cart.store;

import dev.mercato.cart.CartId;
import dev.mercato.customers.CustomerId;
import dev.mercato.plane.events.Event;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where carts live: a key-value store with a version per cart, an inactivity expiry, an index of each
 * customer's open carts, and an outbox of the events each change emitted. Implemented on RocksDB (one
 * machine) and on the DynamoDB API (scale-out); both pass one contract test suite.
 *
 * <p>Every write of a cart and the events it emits is one atomic write: an event is never published for
 * a change that did not happen, nor a change made without its event. A cart whose {@code expiresAt} has
 * passed is absent for every read, before and after it is swept.
 */
public interface CartStore extends AutoCloseable {

    /** The cart, or empty when it never existed, was swept, or its {@code expiresAt} is not after {@code now}. */
    Optional<StoredCart> read(CartId id, Instant now);

    /** Writes a new cart; false, writing nothing, when a cart with its id exists. */
    boolean create(StoredCart cart);

    /**
     * Replaces the cart with {@code next} and appends {@code events} to the outbox, in one atomic write,
     * when the stored version is still {@code expectedVersion}; otherwise writes nothing and returns false.
     */
    boolean compareAndSet(long expectedVersion, StoredCart next, List<Event> events);

    /**
     * One read-decide-write round: reads the cart, asks {@code decider} what to write, and writes it if
     * the cart did not change in between. The default reads and compares-and-sets; a store that can hold
     * the cart still between its read and its write does so and never answers {@link Attempt.Lost}. A
     * decider that throws aborts the round with nothing written.
     */
    default Attempt attempt(CartId id, Instant now, Decider decider) {
        Optional<StoredCart> current = read(id, now);
        if (current.isEmpty()) {
            return Attempt.ABSENT;
        }
        Decision decision = decider.decide(current.get());
        if (decision instanceof Decision.Write(StoredCart next, List<Event> events)) {
            return compareAndSet(current.get().version(), next, events) ? new Attempt.Written(next) : Attempt.LOST;
        }
        return new Attempt.Kept(current.get());
    }

    /** The customer's carts that are open and not expired at {@code now}, in no particular order. */
    List<StoredCart> openCartsOf(CustomerId owner, Instant now);

    /**
     * Deletes up to {@code limit} carts expired at {@code now}, each in one atomic write with the events
     * {@code farewell} returns for it (possibly none). Returns how many it deleted.
     */
    int sweepExpired(Instant now, int limit, Function<StoredCart, List<Event>> farewell);

    /** Up to about {@code limit} unpublished events, each cart's in sequence order. */
    OutboxBatch pending(int limit);

    /** Removes a batch's events from the outbox once the log has acknowledged them. */
    void markPublished(OutboxBatch batch);

    /** Called after every write that appended events, on the writing thread: keep it cheap. */
    void onAppend(Runnable listener);

    @Override
    void close();

    /** What one round of {@link #attempt} wants written. */
    sealed interface Decision {
        /** Nothing to change. */
        Decision KEEP = new Keep();

        record Keep() implements Decision {}

        record Write(StoredCart next, List<Event> events) implements Decision {
            public Write {
                Objects.requireNonNull(next, "next");
                events = List.copyOf(events);
            }
        }
    }

    @FunctionalInterface
    interface Decider {
        /** What to write over {@code current}; may throw to refuse the change. */
        Decision decide(StoredCart current);
    }

    /** How one round of {@link #attempt} ended. */
    sealed interface Attempt {
        Attempt ABSENT = new Absent();
        Attempt LOST = new Lost();

        /** No such cart, or it has expired. */
        record Absent() implements Attempt {}

        /** The decider wanted nothing written. */
        record Kept(StoredCart current) implements Attempt {}

        /** Written, atomically with its events. */
        record Written(StoredCart written) implements Attempt {}

        /** The cart changed between the read and the write: nothing was written; read again. */
        record Lost() implements Attempt {}
    }
}
