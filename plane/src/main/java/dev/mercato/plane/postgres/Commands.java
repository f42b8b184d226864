package dev.mercato.plane.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs PostgreSQL's own programs. PostgreSQL refuses to run as root, and containers and CI machines often
 * are root, so as root every program runs as the unprivileged user {@code nobody}; it keeps only the
 * capability to read and search folders, so a data folder below a private home folder still works.
 */
final class Commands {

    static final int UNPRIVILEGED_ID = 65534;

    private final boolean root;

    private Commands(boolean root) {
        this.root = root;
    }

    static Commands forThisProcess() {
        return new Commands(currentUid() == 0);
    }

    boolean asRoot() {
        return root;
    }

    /** Hands a folder PostgreSQL will write to over to the user it runs as. */
    void own(Path path) throws IOException {
        if (!root) {
            return;
        }
        try (var files = Files.walk(path)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.setAttribute(p, "unix:uid", UNPRIVILEGED_ID);
                Files.setAttribute(p, "unix:gid", UNPRIVILEGED_ID);
            }
        }
    }

    record Result(int exitCode, String output) {}

    Result run(List<String> command, Path log, long timeoutSeconds) throws IOException {
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of(
                    "setpriv",
                    "--reuid=" + UNPRIVILEGED_ID,
                    "--regid=" + UNPRIVILEGED_ID,
                    "--clear-groups",
                    "--inh-caps=+dac_read_search",
                    "--ambient-caps=+dac_read_search"));
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("PG") || k.startsWith("LC_"));
        builder.environment().put("LC_ALL", "C");
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        long start = Files.exists(log) ? Files.size(log) : 0;
        Process process = builder.start();
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(
                        "Timed out after " + timeoutSeconds + " s running " + command.getFirst() + "; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("Interrupted while running " + command.getFirst(), e);
        }
        return new Result(process.exitValue(), tail(log, start));
    }

    private static String tail(Path log, long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        int start = (int) Math.max(from, all.length - 4000L);
        return new String(all, start, all.length - start, StandardCharsets.UTF_8).strip();
    }

    private static int currentUid() {
        try {
            // /proc/self belongs to the user the process runs as: no native call needed.
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }
}
