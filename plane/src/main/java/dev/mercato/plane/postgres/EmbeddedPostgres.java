package dev.mercato.plane.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 server, run from binaries shipped on the class path, with its cluster in a folder
 * the caller owns. It is started and stopped with {@code pg_ctl}, not by a library shutdown hook: the
 * caller closes its connection pools first and then this, so a normal stop takes a second.
 *
 * <p>The caller must hold the data folder's lock ({@link dev.mercato.plane.store.DataFolder}): a server
 * found running on the cluster at start is then known to be an orphan of a killed process, and is stopped
 * before a fresh one starts.
 */
public final class EmbeddedPostgres implements PostgresServer, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);
    private static final String SUPERUSER = "postgres";

    private final Path cluster;
    private final Path bin;
    private final Path serverLog;
    private final Commands commands;
    private final int port;
    private final String password;
    private volatile boolean running;

    private EmbeddedPostgres(Path cluster, Path bin, Path serverLog, Commands commands, int port, String password) {
        this.cluster = cluster;
        this.bin = bin;
        this.serverLog = serverLog;
        this.commands = commands;
        this.port = port;
        this.password = password;
    }

    public static EmbeddedPostgres start(EmbeddedPostgresSettings settings) {
        try {
            return doStart(settings);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Embedded PostgreSQL did not start in " + settings.folder() + ": " + e.getMessage(), e);
        }
    }

    private static EmbeddedPostgres doStart(EmbeddedPostgresSettings settings) throws IOException {
        Path folder = settings.folder().toAbsolutePath().normalize();
        Files.createDirectories(folder);
        Commands commands = Commands.forThisProcess();
        Path bin = PostgresBinaries.unpack(binariesHome(folder, commands));
        Path cluster = folder.resolve("cluster");
        Path serverLog = folder.resolve("postgres.log");
        if (!Files.exists(serverLog)) {
            Files.createFile(serverLog);
        }
        commands.own(serverLog);
        String password = superuserPassword(folder);

        if (!Files.exists(cluster.resolve("PG_VERSION"))) {
            initdb(commands, bin, cluster, folder, serverLog, password);
        } else if (Files.exists(cluster.resolve("postmaster.pid"))) {
            stopOrphan(commands, bin, cluster, serverLog);
        }

        int port = settings.port() == 0 ? freePort() : settings.port();
        List<String> start = new ArrayList<>(List.of(
                bin.resolve("bin/pg_ctl").toString(),
                "-D",
                cluster.toString(),
                "-l",
                serverLog.toString(),
                "-w",
                "-t",
                "120",
                "-o",
                serverOptions(port, settings.serverConfig()),
                "start"));
        long began = System.nanoTime();
        Commands.Result result = commands.run(start, serverLog, 150);
        if (result.exitCode() != 0) {
            throw new IOException("pg_ctl start failed (exit " + result.exitCode() + "). Server log " + serverLog
                    + " ends with:\n" + result.output());
        }
        log.info(
                "PostgreSQL started on 127.0.0.1:{} with its cluster in {} ({} ms)",
                port,
                cluster,
                (System.nanoTime() - began) / 1_000_000);
        EmbeddedPostgres server = new EmbeddedPostgres(cluster, bin, serverLog, commands, port, password);
        server.running = true;
        return server;
    }

    private static void initdb(Commands commands, Path bin, Path cluster, Path folder, Path serverLog, String password)
            throws IOException {
        Files.createDirectories(cluster);
        Files.setPosixFilePermissions(cluster, PosixFilePermissions.fromString("rwx------"));
        Path pwfile = folder.resolve(".initdb-password");
        Files.writeString(pwfile, password, StandardCharsets.UTF_8);
        commands.own(cluster);
        commands.own(pwfile);
        try {
            Commands.Result result = commands.run(
                    List.of(
                            bin.resolve("bin/initdb").toString(),
                            "-D",
                            cluster.toString(),
                            "-U",
                            SUPERUSER,
                            "-E",
                            "UTF8",
                            "--no-locale",
                            "--data-checksums",
                            "--auth=scram-sha-256",
                            "--pwfile=" + pwfile),
                    serverLog,
                    120);
            if (result.exitCode() != 0) {
                throw new IOException("initdb failed (exit " + result.exitCode() + "):\n" + result.output());
            }
        } finally {
            Files.deleteIfExists(pwfile);
        }
        log.info("Initialised a new PostgreSQL cluster in {}", cluster);
    }

    /**
     * Where the programs are unpacked. PostgreSQL checks its own programs with access(2), which drops every
     * capability for an unprivileged user, so as root they must sit in a folder everyone can reach: a
     * root-owned cache in the system temp folder, shared by every platform on the machine.
     */
    private static Path binariesHome(Path folder, Commands commands) throws IOException {
        if (!commands.asRoot()) {
            return folder;
        }
        Path shared = Path.of(System.getProperty("java.io.tmpdir"), "mercato-postgres-binaries");
        Files.createDirectories(shared);
        var attributes = Files.readAttributes(shared, java.nio.file.attribute.PosixFileAttributes.class);
        if (!attributes.owner().getName().equals("root")
                || attributes.permissions().contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE)
                || attributes.permissions().contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE)) {
            throw new IOException(shared + " must be owned by root and writable by no one else");
        }
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        return shared;
    }

    /** A server left behind by a process that was killed: stop it cleanly so its WAL is checkpointed. */
    private static void stopOrphan(Commands commands, Path bin, Path cluster, Path serverLog) throws IOException {
        Commands.Result status = commands.run(
                List.of(bin.resolve("bin/pg_ctl").toString(), "-D", cluster.toString(), "status"), serverLog, 30);
        if (status.exitCode() == 0) {
            log.warn("Found a PostgreSQL server left running on {} by an earlier process; stopping it", cluster);
            stop(commands, bin, cluster, serverLog);
        }
    }

    private static String serverOptions(int port, Map<String, String> config) {
        StringBuilder options = new StringBuilder("-p ").append(port);
        // No Unix socket: its path length is limited and the platform connects over TCP only.
        options.append(" -c unix_socket_directories=''");
        config.forEach((key, value) -> {
            if (!key.matches("[a-z_.]+") || !value.matches("[A-Za-z0-9_.:/-]+")) {
                throw new IllegalArgumentException("Unsafe PostgreSQL setting " + key + "=" + value);
            }
            options.append(" -c ").append(key).append('=').append(value);
        });
        return options.toString();
    }

    private static String superuserPassword(Path folder) {
        return dev.mercato.plane.store.Secrets.readOrCreate(folder.resolve("superuser.secret"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void stop(Commands commands, Path bin, Path cluster, Path serverLog) throws IOException {
        String pgCtl = bin.resolve("bin/pg_ctl").toString();
        Commands.Result fast = commands.run(
                List.of(pgCtl, "-D", cluster.toString(), "-m", "fast", "-w", "-t", "60", "stop"), serverLog, 70);
        if (fast.exitCode() != 0) {
            log.warn("pg_ctl stop -m fast failed (exit {}), stopping immediately: {}", fast.exitCode(), fast.output());
            commands.run(List.of(pgCtl, "-D", cluster.toString(), "-m", "immediate", "-w", "stop"), serverLog, 30);
        }
    }

    public int port() {
        return port;
    }

    public Path cluster() {
        return cluster;
    }

    public boolean isRunning() {
        return running;
    }

    /** The process id of the postmaster, read from its pid file; for crash tests and diagnostics. */
    public long postmasterPid() {
        try {
            return Long.parseLong(Files.readAllLines(cluster.resolve("postmaster.pid"))
                    .getFirst()
                    .strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public String adminUser() {
        return SUPERUSER;
    }

    @Override
    public String adminPassword() {
        return password;
    }

    @Override
    public String describe() {
        return "embedded PostgreSQL on 127.0.0.1:" + port + " (" + cluster + ")";
    }

    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        long began = System.nanoTime();
        try {
            stop(commands, bin, cluster, serverLog);
        } catch (IOException e) {
            throw new UncheckedIOException("Stopping PostgreSQL failed; see " + serverLog, e);
        } finally {
            running = false;
        }
        log.info("PostgreSQL stopped ({} ms)", (System.nanoTime() - began) / 1_000_000);
    }
}
