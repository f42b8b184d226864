package dev.mercato.cart.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * dynalite (Apache-2.0), an in-memory implementation of the DynamoDB API on Node.js, once per test JVM.
 * It is installed from this module's own pinned {@code src/test/dynalite/package-lock.json} with {@code
 * npm ci} into {@code target/dynalite} (again only when the lock file changes), started on a free
 * loopback port, and stopped when the JVM exits; it also exits by itself when its standard input
 * closes, so a killed JVM leaves no server behind.
 *
 * <p>Without Node.js and npm the DynamoDB tests are skipped on a developer's machine, saying what to
 * install, and fail on CI ({@code CI=true}), where they must run.
 */
public final class DynaliteServer {

    private static final String READY = "Dynalite listening at: ";
    private static final List<String> FILES = List.of("package.json", "package-lock.json", "launch.js");

    private static URI endpoint;

    private DynaliteServer() {}

    /** The running server's endpoint, starting it first if needed. */
    public static synchronized URI endpoint() {
        if (endpoint == null) {
            endpoint = start();
        }
        return endpoint;
    }

    private static URI start() {
        requireNode();
        Path module = Path.of("").toAbsolutePath();
        Path source = module.resolve("src/test/dynalite");
        Path home = module.resolve("target/dynalite");
        try {
            install(source, home);
            Process server = new ProcessBuilder("node", "launch.js")
                    .directory(home.toFile())
                    .redirectError(home.resolve("dynalite.log").toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::destroy, "dynalite-stop"));
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> readUntilReady(out));
            String url = ready.get(30, TimeUnit.SECONDS);
            Thread.ofPlatform().daemon(true).name("dynalite-out").start(() -> drain(out));
            return URI.create(url);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start dynalite in " + home, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "dynalite did not say it was listening within 30 s; see " + home.resolve("dynalite.log"), e);
        }
    }

    /** npm ci into target/dynalite, unless it already holds an install of the same lock file. */
    private static void install(Path source, Path home) throws IOException, InterruptedException {
        Path installedLock = home.resolve("node_modules/.mercato-lock.json");
        Path lock = source.resolve("package-lock.json");
        if (Files.isRegularFile(installedLock) && Files.mismatch(installedLock, lock) == -1) {
            Files.copy(source.resolve("launch.js"), home.resolve("launch.js"), StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        Files.createDirectories(home);
        for (String f : FILES) {
            Files.copy(source.resolve(f), home.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        // No install scripts: dynalite's one native dependency ships prebuilt binaries it loads at run time.
        Process npm = new ProcessBuilder("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("npm-ci.log").toFile())
                .start();
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            npm.destroyForcibly();
            throw new IllegalStateException(
                    "npm ci for dynalite failed; see " + home.resolve("npm-ci.log") + ":\n" + tail(home));
        }
        Files.copy(lock, installedLock, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void requireNode() {
        String missing = null;
        for (String tool : List.of("node", "npm")) {
            if (!runs(tool)) {
                missing = tool;
                break;
            }
        }
        if (missing == null) {
            return;
        }
        String message = "The DynamoDB cart store tests need Node.js 18+ and npm (they run dynalite), and '" + missing
                + "' is not on the PATH. Install Node.js (e.g. apt-get install nodejs npm) to run them.";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(message + " On CI they must run.");
        }
        Assumptions.abort(message);
    }

    private static boolean runs(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String readUntilReady(BufferedReader out) {
        try {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                int at = line.indexOf(READY);
                if (at >= 0) {
                    return line.substring(at + READY.length()).trim();
                }
            }
            throw new IllegalStateException("dynalite exited before it was listening");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // dynalite prints nothing more unless it is told to; its output is not needed.
            }
        } catch (IOException e) {
            // The server stopped.
        }
    }

    private static String tail(Path home) {
        try {
            List<String> lines = Files.readAllLines(home.resolve("npm-ci.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
