package dev.mercato.cart.store;

import dev.mercato.plane.StoreProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * The embedded key-value store carts live in. Writes are synced to its write-ahead log, so an
 * acknowledged cart change survives a killed process.
 */
public final class RocksStore implements AutoCloseable, StoreProbe {

    static {
        RocksDB.loadLibrary();
    }

    private final Path folder;
    private final Options options;
    private final RocksDB db;
    private final WriteOptions durable;

    private RocksStore(Path folder, Options options, RocksDB db) {
        this.folder = folder;
        this.options = options;
        this.db = db;
        this.durable = new WriteOptions().setSync(true);
    }

    public static RocksStore open(Path folder) {
        try {
            Files.createDirectories(folder);
            Options options = new Options().setCreateIfMissing(true);
            return new RocksStore(folder, options, RocksDB.open(options, folder.toString()));
        } catch (RocksDBException | java.io.IOException e) {
            throw new IllegalStateException(
                    "Cannot open the cart store in " + folder + ": " + e.getMessage()
                            + ". Is another process using this data folder?",
                    e);
        }
    }

    public byte[] get(byte[] key) {
        try {
            return db.get(key);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cart store read failed: " + e.getMessage(), e);
        }
    }

    public void put(byte[] key, byte[] value) {
        try {
            db.put(durable, key, value);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cart store write failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "rocksdb";
    }

    @Override
    public Result check() {
        try {
            db.get("health".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String keys = db.getProperty("rocksdb.estimate-num-keys");
            return Result.up(Map.of("folder", folder.toString(), "estimatedKeys", keys));
        } catch (RocksDBException e) {
            return Result.down(Map.of("folder", folder.toString(), "error", String.valueOf(e.getMessage())));
        }
    }

    @Override
    public void close() {
        durable.close();
        db.close();
        options.close();
    }
}
