package dev.mercato.search.store;

import dev.mercato.plane.consume.LocalCopy;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listings in Lucene under one folder: a directory per generation ({@code g1}, {@code g2}, ...) and a
 * small {@code generations} file saying which one serves and which is being rebuilt, replaced atomically
 * (written aside, synced, renamed over, folder synced) so a crash leaves the old record or the new one.
 */
final class LuceneSearchIndex implements SearchIndex {

    private static final Logger log = LoggerFactory.getLogger(LuceneSearchIndex.class);
    private static final Pattern GENERATION = Pattern.compile("g(\\d+)");
    private static final String RECORD = "generations";

    private final Path folder;

    LuceneSearchIndex(Path folder) {
        this.folder = folder;
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the search folder " + folder + ": " + e.getMessage(), e);
        }
    }

    Path folder() {
        return folder;
    }

    /** An index in this process's folder: each instance keeps a whole one (see {@link LocalCopy}). */
    @Override
    public String consumerGroup(dev.mercato.plane.consume.Generation generation) {
        return LocalCopy.consumerGroup(generation, folder);
    }

    @Override
    public Generations generations() {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(folder.resolve(RECORD), StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return Generations.FIRST;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + folder.resolve(RECORD) + ": " + e.getMessage(), e);
        }
        String building = p.getProperty("building", "");
        return new Generations(
                Integer.parseInt(p.getProperty("active", "1")),
                building.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(building)));
    }

    @Override
    public void record(Generations generations) {
        String text = "active=" + generations.active() + "\nbuilding="
                + (generations.building().isPresent()
                        ? Integer.toString(generations.building().getAsInt())
                        : "")
                + "\n";
        Path aside = folder.resolve(RECORD + ".next");
        try {
            try (FileChannel out = FileChannel.open(
                    aside, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                out.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                out.force(true);
            }
            Files.move(
                    aside, folder.resolve(RECORD), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot record the search generations: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a generation. One whose files are corrupt or of a format this Lucene cannot read is deleted and
     * opened empty, with no checkpoints: it is derived data, so it fills again from the start of the log.
     */
    @Override
    public Generation open(int number) {
        try {
            return new LuceneGeneration(number, directory(number));
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof CorruptIndexException
                    || e.getCause() instanceof EOFException
                    || e.getCause() instanceof IndexFormatTooOldException
                    || e.getCause() instanceof IndexFormatTooNewException)) {
                throw e;
            }
            log.error(
                    "Search generation {} in {} cannot be read; deleting it to rebuild it from the log: {}",
                    number,
                    folder,
                    e.getCause().toString());
            drop(number);
            return new LuceneGeneration(number, directory(number));
        }
    }

    @Override
    public void drop(int number) {
        Path dir = folder.resolve("g" + number);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Integer> stored() {
        List<Integer> numbers = new ArrayList<>();
        try (Stream<Path> entries = Files.list(folder)) {
            entries.filter(Files::isDirectory).forEach(p -> {
                Matcher m = GENERATION.matcher(p.getFileName().toString());
                if (m.matches()) {
                    numbers.add(Integer.parseInt(m.group(1)));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + folder + ": " + e.getMessage(), e);
        }
        numbers.sort(Comparator.naturalOrder());
        return numbers;
    }

    @Override
    public void close() {
        // Each generation is closed by whoever opened it; the folder holds nothing open.
    }

    private Path directory(int number) {
        Path dir = folder.resolve("g" + number);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }
}
