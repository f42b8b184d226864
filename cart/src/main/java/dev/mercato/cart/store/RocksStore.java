package dev.mercato.cart.store;

import dev.mercato.plane.StoreProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The embedded key-value store carts live in. Writes are synced to its write-ahead log, so an
 * acknowledged cart change survives a killed process.
 *
 * <p>Durable writes go through one committer thread that gathers every write waiting at that moment
 * into one batch and one fsync (group commit). A writer waits for its batch without holding a carrier
 * thread, so many concurrent changes, virtual threads included, share each fsync rather than queueing
 * for one each.
 *
 * <p>Column families: {@code default} holds carts by id, {@code expiry} an index by expiry time then id,
 * {@code owners} each customer's open carts, {@code outbox} events not yet published, by position.
 */
public final class RocksStore implements AutoCloseable, StoreProbe {

    static {
        RocksDB.loadLibrary();
    }

    static final String EXPIRY = "expiry";
    static final String OWNERS = "owners";
    static final String OUTBOX = "outbox";
    private static final int MAX_GROUP = 512;

    private final Path folder;
    private final DBOptions options;
    private final ColumnFamilyOptions familyOptions;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final WriteOptions durable;
    private final WriteOptions lazy;
    private final LinkedBlockingQueue<Commit> commits = new LinkedBlockingQueue<>();
    private final Thread committer;
    private volatile boolean open = true;

    /** One write waiting for the committer: its operations, and the future it waits on. */
    private record Commit(Writes writes, CompletableFuture<Void> done) {}

    private RocksStore(
            Path folder,
            DBOptions options,
            ColumnFamilyOptions familyOptions,
            RocksDB db,
            List<ColumnFamilyHandle> handles) {
        this.folder = folder;
        this.options = options;
        this.familyOptions = familyOptions;
        this.db = db;
        this.handles = handles;
        this.durable = new WriteOptions().setSync(true);
        // Only for writes whose loss in a crash is harmless (removing published events: they are sent again).
        this.lazy = new WriteOptions().setSync(false);
        this.committer =
                Thread.ofPlatform().name("cart-store-commit").daemon(true).unstarted(this::commitLoop);
        committer.start();
    }

    public static RocksStore open(Path folder) {
        DBOptions options = null;
        ColumnFamilyOptions familyOptions = null;
        try {
            Files.createDirectories(folder);
            options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
            familyOptions = new ColumnFamilyOptions();
            List<ColumnFamilyDescriptor> families = List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions),
                    new ColumnFamilyDescriptor(bytes(EXPIRY), familyOptions),
                    new ColumnFamilyDescriptor(bytes(OWNERS), familyOptions),
                    new ColumnFamilyDescriptor(bytes(OUTBOX), familyOptions));
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            RocksDB db = RocksDB.open(options, folder.toString(), families, handles);
            return new RocksStore(folder, options, familyOptions, db, handles);
        } catch (RocksDBException | java.io.IOException e) {
            if (familyOptions != null) {
                familyOptions.close();
            }
            if (options != null) {
                options.close();
            }
            throw new IllegalStateException(
                    "Cannot open the cart store in " + folder + ": " + e.getMessage()
                            + ". Is another process using this data folder?",
                    e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    ColumnFamilyHandle carts() {
        return handles.get(0);
    }

    ColumnFamilyHandle expiry() {
        return handles.get(1);
    }

    ColumnFamilyHandle owners() {
        return handles.get(2);
    }

    ColumnFamilyHandle outbox() {
        return handles.get(3);
    }

    public byte[] get(byte[] key) {
        return get(carts(), key);
    }

    byte[] get(ColumnFamilyHandle family, byte[] key) {
        try {
            return db.get(family, key);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cart store read failed: " + e.getMessage(), e);
        }
    }

    public void put(byte[] key, byte[] value) {
        commit(new Writes().put(carts(), key, value));
    }

    RocksIterator iterator(ColumnFamilyHandle family) {
        return db.newIterator(family);
    }

    /** Writes atomically and returns once the write is on disk (synced), sharing the fsync with others. */
    void commit(Writes writes) {
        if (writes.isEmpty()) {
            return;
        }
        if (!open) {
            throw new IllegalStateException("The cart store is closed");
        }
        Commit commit = new Commit(writes, new CompletableFuture<>());
        commits.add(commit);
        if (!open && !committer.isAlive() && commits.remove(commit)) {
            throw new IllegalStateException("The cart store is closed");
        }
        try {
            commit.done().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Writes atomically without waiting for the disk: a crash may lose it, so only for what may be redone. */
    void writeLazily(Writes writes) {
        if (writes.isEmpty()) {
            return;
        }
        try (WriteBatch batch = writes.toBatch()) {
            db.write(lazy, batch);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cart store write failed: " + e.getMessage(), e);
        }
    }

    private void commitLoop() {
        List<Commit> group = new ArrayList<>();
        while (open || !commits.isEmpty()) {
            try {
                Commit first = commits.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                commits.drainTo(group, MAX_GROUP - 1);
                writeGroup(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                group.clear();
            }
        }
        Commit left;
        while ((left = commits.poll()) != null) {
            left.done().completeExceptionally(new IllegalStateException("The cart store closed before this write"));
        }
    }

    private void writeGroup(List<Commit> group) {
        try (WriteBatch batch = new WriteBatch()) {
            for (Commit c : group) {
                c.writes().addTo(batch);
            }
            db.write(durable, batch);
            for (Commit c : group) {
                c.done().complete(null);
            }
        } catch (RocksDBException | RuntimeException e) {
            var failure = new IllegalStateException("Cart store write failed: " + e.getMessage(), e);
            for (Commit c : group) {
                c.done().completeExceptionally(failure);
            }
        }
    }

    /** Puts and deletes to apply as one atomic write, built without touching native memory. */
    static final class Writes {
        private final List<ColumnFamilyHandle> families = new ArrayList<>(8);
        private final List<byte[]> keys = new ArrayList<>(8);
        private final List<byte[]> values = new ArrayList<>(8);

        Writes put(ColumnFamilyHandle family, byte[] key, byte[] value) {
            families.add(family);
            keys.add(key);
            values.add(value);
            return this;
        }

        Writes delete(ColumnFamilyHandle family, byte[] key) {
            return put(family, key, null);
        }

        boolean isEmpty() {
            return keys.isEmpty();
        }

        void addTo(WriteBatch batch) throws RocksDBException {
            for (int i = 0; i < keys.size(); i++) {
                if (values.get(i) == null) {
                    batch.delete(families.get(i), keys.get(i));
                } else {
                    batch.put(families.get(i), keys.get(i), values.get(i));
                }
            }
        }

        WriteBatch toBatch() throws RocksDBException {
            WriteBatch batch = new WriteBatch();
            addTo(batch);
            return batch;
        }
    }

    @Override
    public String name() {
        return "rocksdb";
    }

    @Override
    public Result check() {
        try {
            db.get(bytes("health"));
            String keys = db.getProperty(carts(), "rocksdb.estimate-num-keys");
            return Result.up(Map.of("folder", folder.toString(), "estimatedKeys", keys));
        } catch (RocksDBException e) {
            return Result.down(Map.of("folder", folder.toString(), "error", String.valueOf(e.getMessage())));
        }
    }

    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        try {
            committer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        durable.close();
        lazy.close();
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        familyOptions.close();
        options.close();
    }
}
