package dev.mercato.plane.consume;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * A view whose store lives in this process's own folder (a Lucene index, a Parquet lake): each platform
 * instance keeps a whole copy, so each copy must read every partition of the log, which one consumer
 * group shared by the instances would split between them. The copy's group is the generation's plus an
 * id made once and kept in the folder, so a restart rejoins its own group.
 */
public final class LocalCopy {

    private static final String FILE = "copy-id";

    private LocalCopy() {}

    /** The consumer group of {@code generation}'s consumer for the copy kept in {@code folder}. */
    public static synchronized String consumerGroup(Generation generation, Path folder) {
        return generation.consumerGroup() + "." + id(folder);
    }

    private static String id(Path folder) {
        Path file = folder.resolve(FILE);
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            Files.createDirectories(folder);
            String id = UUID.randomUUID().toString().substring(0, 8);
            Path aside = folder.resolve(FILE + ".new");
            Files.writeString(aside, id, StandardCharsets.UTF_8);
            Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep this copy's id in " + file + ": " + e.getMessage(), e);
        }
    }
}
