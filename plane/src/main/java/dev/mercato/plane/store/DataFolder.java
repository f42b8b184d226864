package dev.mercato.plane.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one folder that holds everything an embedded platform keeps: PostgreSQL's cluster, Kafka's log and
 * the cart store. It is locked for the life of the process, because two platforms on one folder would
 * each believe they own the same database files.
 */
public final class DataFolder implements AutoCloseable {

    private final Path root;
    private final FileChannel channel;
    private final FileLock lock;

    private DataFolder(Path root, FileChannel channel, FileLock lock) {
        this.root = root;
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates the folder if needed and takes its lock, or fails saying which process to stop. */
    public static DataFolder open(Path folder) {
        Path root = folder.toAbsolutePath().normalize();
        try {
            Files.createDirectories(root);
            FileChannel channel =
                    FileChannel.open(root.resolve("mercato.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("The data folder " + root
                        + " is in use by another Mercato process. Stop that process, or choose another folder"
                        + " with --mercato.data-dir=<path>.");
            }
            return new DataFolder(root, channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the data folder " + root + ": " + e.getMessage(), e);
        }
    }

    public Path root() {
        return root;
    }

    /** A sub-folder owned by one store, created on first use. */
    public Path resolve(String store) {
        Path dir = root.resolve(store);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    /**
     * A random secret kept in a store's sub-folder (readable by the owner only), generated on first use:
     * generated credentials and keys that must survive a restart but never leave the machine.
     */
    public String secret(String store, String name) {
        return Secrets.readOrCreate(resolve(store).resolve(name));
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
