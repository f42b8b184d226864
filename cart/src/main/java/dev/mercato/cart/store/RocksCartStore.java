package dev.mercato.cart.store;

import dev.mercato.cart.CartId;
import dev.mercato.customers.CustomerId;
import dev.mercato.plane.events.Event;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.rocksdb.RocksIterator;

/**
 * Carts in RocksDB. The data folder is locked to one process, so in-process locks are enough to make a
 * read-compare-write atomic: each cart maps to one of {@value #STRIPES} locks, held from the read to
 * the durable write. A change is one read and one write batch: the cart, its expiry index entry, its
 * owner index entry and its events, in four column families, commit together or not at all.
 *
 * <p>The outbox is keyed by a position that grows with every event appended. A position is taken while
 * the cart's lock is held, so one cart's events are in sequence order; the relay reads from the lowest
 * position that may still be uncommitted, so an event that commits after a higher one is not skipped.
 *
 * <p>It does not own the {@link RocksStore}: whoever opened it closes it.
 */
public final class RocksCartStore implements CartStore {

    static final int STRIPES = 1024;
    private static final byte[] NOTHING = new byte[0];

    private final RocksStore rocks;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
    private final Object positions = new Object();
    /** The first position of each append taken but not yet committed (or failed); guarded by positions. */
    private final TreeSet<Long> inFlight = new TreeSet<>();
    /** The next position to hand out; guarded by positions. */
    private long nextPosition;
    /** Where the relay reads from: every outbox entry below it is published and removed. */
    private volatile long cursor;
    /** The expiry second below which the expiry index has no entries left; only the sweeper moves it. */
    private volatile long sweptUpTo;

    private volatile Runnable listener = () -> {};

    public RocksCartStore(RocksStore rocks) {
        this.rocks = rocks;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
        try (RocksIterator it = rocks.iterator(rocks.outbox())) {
            it.seekToLast();
            nextPosition = it.isValid() ? readLong(it.key(), 0) + 1 : 1;
        }
    }

    @Override
    public Optional<StoredCart> read(CartId id, Instant now) {
        byte[] value = rocks.get(rocks.carts(), key(id));
        if (value == null) {
            return Optional.empty();
        }
        StoredCart stored = CartCodec.decode(id, value);
        return live(stored, now) ? Optional.of(stored) : Optional.empty();
    }

    @Override
    public boolean create(StoredCart cart) {
        ReentrantLock lock = lock(cart.id());
        lock.lock();
        try {
            if (rocks.get(rocks.carts(), key(cart.id())) != null) {
                return false;
            }
            write(null, cart, List.of());
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean compareAndSet(long expectedVersion, StoredCart next, List<Event> events) {
        ReentrantLock lock = lock(next.id());
        lock.lock();
        try {
            byte[] value = rocks.get(rocks.carts(), key(next.id()));
            if (value == null || CartCodec.version(value) != expectedVersion) {
                return false;
            }
            write(CartCodec.decode(next.id(), value), next, events);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Under the cart's lock from read to write: never {@link Attempt.Lost}. */
    @Override
    public Attempt attempt(CartId id, Instant now, Decider decider) {
        ReentrantLock lock = lock(id);
        lock.lock();
        try {
            byte[] value = rocks.get(rocks.carts(), key(id));
            if (value == null) {
                return Attempt.ABSENT;
            }
            StoredCart current = CartCodec.decode(id, value);
            if (!live(current, now)) {
                return Attempt.ABSENT;
            }
            if (decider.decide(current) instanceof Decision.Write(StoredCart next, List<Event> events)) {
                write(current, next, events);
                return new Attempt.Written(next);
            }
            return new Attempt.Kept(current);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<StoredCart> openCartsOf(CustomerId owner, Instant now) {
        byte[] prefix = ownerPrefix(owner);
        List<CartId> ids = new ArrayList<>();
        try (RocksIterator it = rocks.iterator(rocks.owners())) {
            for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
                byte[] k = it.key();
                ids.add(CartId.of(new String(k, prefix.length, k.length - prefix.length, StandardCharsets.US_ASCII)));
            }
        }
        List<StoredCart> open = new ArrayList<>(ids.size());
        for (CartId id : ids) {
            read(id, now)
                    .filter(s -> s.cart().isOpen()
                            && s.cart().owner().filter(owner::equals).isPresent())
                    .ifPresent(open::add);
        }
        return open;
    }

    @Override
    public int sweepExpired(Instant now, int limit, Function<StoredCart, List<Event>> farewell) {
        long nowSecond = now.getEpochSecond();
        List<byte[]> candidates = new ArrayList<>();
        try (RocksIterator it = rocks.iterator(rocks.expiry())) {
            // From where the last complete sweep stopped: below it are only the tombstones of swept entries.
            for (it.seek(longKey(sweptUpTo)); it.isValid() && candidates.size() < limit; it.next()) {
                byte[] k = it.key();
                if (readLong(k, 0) > nowSecond) {
                    break;
                }
                candidates.add(k);
            }
        }
        int swept = 0;
        for (byte[] entry : candidates) {
            CartId id = CartId.of(new String(entry, 8, entry.length - 8, StandardCharsets.US_ASCII));
            ReentrantLock lock = lock(id);
            lock.lock();
            try {
                byte[] value = rocks.get(rocks.carts(), key(id));
                StoredCart stored = value == null ? null : CartCodec.decode(id, value);
                if (stored == null || !Arrays.equals(entry, expiryKey(stored))) {
                    // Not the cart's entry any more (cannot happen while index and cart commit together).
                    rocks.writeLazily(new RocksStore.Writes().delete(rocks.expiry(), entry));
                    continue;
                }
                if (live(stored, now)) {
                    continue;
                }
                RocksStore.Writes writes =
                        new RocksStore.Writes().delete(rocks.carts(), key(id)).delete(rocks.expiry(), entry);
                if (indexed(stored)) {
                    writes.delete(rocks.owners(), ownerKey(stored));
                }
                append(writes, farewell.apply(stored));
                swept++;
            } finally {
                lock.unlock();
            }
        }
        if (candidates.size() < limit) {
            // Every entry up to now is gone, and new ones expire at least a TTL from now; a minute of margin
            // covers writers that read the clock just before this sweep did.
            sweptUpTo = Math.max(sweptUpTo, nowSecond - 60);
        }
        return swept;
    }

    /** Appends the events (if any) to the writes, commits durably, and wakes the relay. */
    private void append(RocksStore.Writes writes, List<Event> events) {
        long first = -1;
        if (!events.isEmpty()) {
            synchronized (positions) {
                first = nextPosition;
                nextPosition += events.size();
                inFlight.add(first);
            }
            for (int i = 0; i < events.size(); i++) {
                writes.put(rocks.outbox(), longKey(first + i), EventBytes.encode(events.get(i)));
            }
        }
        try {
            rocks.commit(writes);
        } finally {
            if (first >= 0) {
                synchronized (positions) {
                    inFlight.remove(first);
                }
            }
        }
        if (first >= 0) {
            listener.run();
        }
    }

    private void write(StoredCart previous, StoredCart next, List<Event> events) {
        byte[] key = key(next.id());
        RocksStore.Writes writes = new RocksStore.Writes().put(rocks.carts(), key, CartCodec.encode(next));
        byte[] expiry = expiryKey(next);
        if (previous == null) {
            writes.put(rocks.expiry(), expiry, NOTHING);
        } else {
            byte[] before = expiryKey(previous);
            if (!Arrays.equals(before, expiry)) {
                writes.delete(rocks.expiry(), before).put(rocks.expiry(), expiry, NOTHING);
            }
        }
        boolean was = previous != null && indexed(previous);
        boolean is = indexed(next);
        boolean same = was && is && previous.cart().owner().equals(next.cart().owner());
        if (was && !same) {
            writes.delete(rocks.owners(), ownerKey(previous));
        }
        if (is && !same) {
            writes.put(rocks.owners(), ownerKey(next), NOTHING);
        }
        append(writes, events);
    }

    @Override
    public OutboxBatch pending(int limit) {
        long safe;
        synchronized (positions) {
            safe = inFlight.isEmpty() ? nextPosition : inFlight.first();
        }
        // Read after taking the safe point: every entry below it has committed, so the read sees it.
        long start = cursor;
        List<Event> events = new ArrayList<>();
        List<Long> read = new ArrayList<>();
        try (RocksIterator it = rocks.iterator(rocks.outbox())) {
            for (it.seek(longKey(start)); it.isValid() && events.size() < limit; it.next()) {
                read.add(readLong(it.key(), 0));
                events.add(EventBytes.decode(it.value()));
            }
        }
        if (events.isEmpty()) {
            cursor = Math.max(start, safe);
            return OutboxBatch.EMPTY;
        }
        long resume = events.size() >= limit ? Math.min(safe, read.getLast() + 1) : safe;
        return new OutboxBatch(events, new Marker(read, start, Math.max(start, resume)));
    }

    private record Marker(List<Long> positions, long start, long resume) {}

    @Override
    public void markPublished(OutboxBatch batch) {
        if (!(batch.marker() instanceof Marker m)) {
            return;
        }
        RocksStore.Writes writes = new RocksStore.Writes();
        for (long p : m.positions()) {
            writes.delete(rocks.outbox(), longKey(p));
        }
        // Removing published entries may be lost in a crash: they are published again, which consumers expect.
        rocks.writeLazily(writes);
        if (cursor == m.start()) {
            cursor = m.resume();
        }
    }

    @Override
    public void onAppend(Runnable listener) {
        this.listener = listener;
    }

    @Override
    public void close() {
        // The RocksStore is closed by whoever opened it.
    }

    private static boolean live(StoredCart stored, Instant now) {
        return now.isBefore(stored.cart().expiresAt());
    }

    private static boolean indexed(StoredCart stored) {
        return stored.cart().owner().isPresent() && stored.cart().isOpen();
    }

    private ReentrantLock lock(CartId id) {
        return locks[(id.value().hashCode() & 0x7fffffff) % STRIPES];
    }

    private static byte[] key(CartId id) {
        return id.value().getBytes(StandardCharsets.US_ASCII);
    }

    /** The expiry second rounded up, so an entry at or before now is always of an expired cart. */
    static long expirySecond(Instant expiresAt) {
        return expiresAt.getEpochSecond() + (expiresAt.getNano() > 0 ? 1 : 0);
    }

    private static byte[] expiryKey(StoredCart stored) {
        byte[] id = key(stored.id());
        byte[] k = new byte[8 + id.length];
        writeLong(k, expirySecond(stored.cart().expiresAt()));
        System.arraycopy(id, 0, k, 8, id.length);
        return k;
    }

    private static byte[] ownerPrefix(CustomerId owner) {
        byte[] o = owner.value().getBytes(StandardCharsets.US_ASCII);
        return Arrays.copyOf(o, o.length + 1); // ends with 0, a byte no customer id contains
    }

    private static byte[] ownerKey(StoredCart stored) {
        byte[] prefix = ownerPrefix(stored.cart().owner().orElseThrow());
        byte[] id = key(stored.id());
        byte[] k = Arrays.copyOf(prefix, prefix.length + id.length);
        System.arraycopy(id, 0, k, prefix.length, id.length);
        return k;
    }

    private static byte[] longKey(long value) {
        byte[] k = new byte[8];
        writeLong(k, value);
        return k;
    }

    private static void writeLong(byte[] into, long value) {
        for (int i = 7; i >= 0; i--) {
            into[i] = (byte) value;
            value >>>= 8;
        }
    }

    private static long readLong(byte[] from, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (from[offset + i] & 0xFF);
        }
        return v;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
