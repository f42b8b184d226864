package dev.mercato.plane.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's own single-node Kafka (KRaft, broker and controller in one process), with its log on disk under
 * {@link EmbeddedKafkaSettings#logDir()}.
 *
 * <p>Kafka's server classes are referenced only from this package so that the rest of the platform depends on the
 * client API alone and the broker could later move out of process without touching callers.
 *
 * <p><b>Durability policy.</b> One node has no replica to recover from, so it replaces replication with the disk:
 *
 * <ul>
 *   <li>Every append is fsynced before it is acknowledged ({@code log.flush.interval.messages=1}: Kafka flushes the
 *       segment inside the append, before the produce response). The relay batches, so that is one fsync per produce
 *       request and partition, not per event.
 *   <li>Topics have one replica and {@code min.insync.replicas=1} ({@link DurabilitySettings#EMBEDDED}); the relay's
 *       producer asks {@code acks=all}, which here means "on this broker's disk".
 *   <li>Unclean leader election is off, as on the platform's topics: moot with one replica, but never a default that
 *       changes under an override.
 *   <li>Nothing expires: retention is unlimited by age and size, and committed group offsets are kept as long.
 * </ul>
 *
 * <p>What an acknowledgement means after a power loss: the relay marks an outbox row published only after this
 * broker acknowledged it, in a PostgreSQL commit of its own ({@code synchronous_commit=on}). Power lost before the
 * acknowledgement leaves the row unpublished, and the relay sends it after the restart; lost between acknowledgement
 * and mark, the event is on disk and is sent again (consumers drop the duplicate by sequence); lost after the mark, the
 * event is on disk. So the outbox is the durable buffer and the log holds every event it let go, provided the disk
 * honours fsync (a volatile write cache without power-loss protection breaks this, as it breaks PostgreSQL).
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String CLIENT_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String DATA_FOLDER = "data";
    private static final String METADATA_FOLDER = "metadata";
    private static final String META_PROPERTIES = "meta.properties";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PROBE_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final Path logDir;
    private final String bootstrapServers;
    private final KafkaRaftServer server;
    private volatile boolean running;

    private EmbeddedKafka(Path logDir, String bootstrapServers, KafkaRaftServer server) {
        this.logDir = logDir;
        this.bootstrapServers = bootstrapServers;
        this.server = server;
    }

    /**
     * Starts the broker and returns once it answers client requests. The first start on a folder formats it with a
     * fresh cluster id; later starts reuse it with every topic and record.
     */
    public static EmbeddedKafka start(EmbeddedKafkaSettings settings) {
        long startedAt = System.nanoTime();
        Path logDir = settings.logDir().toAbsolutePath().normalize();
        int[] ports = freePorts(settings.port(), settings.avoidPorts());
        int clientPort = ports[0];
        int controllerPort = ports[1];
        Map<String, String> brokerProperties = brokerProperties(logDir, clientPort, controllerPort, settings);
        KafkaConfig config;
        try {
            config = new KafkaConfig(brokerProperties, false);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "Invalid Kafka broker settings for " + logDir + ": " + e.getMessage(), e);
        }
        Path metadataLogDir = Path.of(config.metadataLogDir());
        ensureNotInUse(logDir, metadataLogDir);
        boolean formatted = formatIfNew(brokerProperties, metadataLogDir);

        KafkaRaftServer server;
        try {
            server = new KafkaRaftServer(config, Time.SYSTEM);
        } catch (RuntimeException e) {
            // Typically meta.properties belongs to another cluster or node.
            throw new IllegalStateException("Could not open Kafka storage in " + logDir + ": " + e.getMessage(), e);
        }
        EmbeddedKafka kafka = new EmbeddedKafka(logDir, HOST + ":" + clientPort, server);
        kafka.running = true;
        try {
            server.startup();
        } catch (RuntimeException e) {
            throw kafka.closeAfter(new IllegalStateException(
                    "Kafka broker in " + logDir + " failed to start on " + kafka.bootstrapServers + ": " + describe(e),
                    e));
        }
        try {
            kafka.awaitReady(startedAt + START_TIMEOUT.toNanos(), metadataLogDir);
        } catch (RuntimeException e) {
            throw kafka.closeAfter(e);
        }
        log.info(
                "Kafka broker on {} ready in {} ms ({} storage in {})",
                kafka.bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt),
                formatted ? "newly formatted" : "existing",
                logDir);
        return kafka;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public boolean isRunning() {
        return running;
    }

    /** Whether the broker answers a metadata request within {@code timeout}. */
    public boolean healthy(Duration timeout) {
        if (!running) {
            return false;
        }
        try (Admin admin = admin(timeout)) {
            return hasThisNode(admin, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.debug("Kafka broker on {} did not answer within {}", bootstrapServers, timeout, e);
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        long stoppingAt = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        log.info(
                "Kafka broker on {} stopped in {} ms",
                bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppingAt));
    }

    /** Kafka wraps the telling message (a port in use, say) a few causes deep. */
    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == failure ? failure.getMessage() : failure.getMessage() + "; caused by " + root;
    }

    private RuntimeException closeAfter(RuntimeException failure) {
        try {
            close();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    private static Map<String, String> brokerProperties(
            Path logDir, int clientPort, int controllerPort, EmbeddedKafkaSettings settings) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        // Static voters keep kraft.version at 0, which lets the controller port change from one start to the next.
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put(
                "listeners",
                CLIENT_LISTENER + "://" + HOST + ":" + clientPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":"
                        + controllerPort);
        props.put("advertised.listeners", CLIENT_LISTENER + "://" + HOST + ":" + clientPort);
        props.put("inter.broker.listener.name", CLIENT_LISTENER);
        props.put(
                "listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("log.dirs", logDir.resolve(DATA_FOLDER).toString());
        // In combined mode Kafka locks a metadata log that shares a folder with topic data only once the broker half
        // starts, after the controller has already appended to it; a folder of its own is locked before anything runs,
        // so a second process on the same logDir fails instead of writing into this one's metadata log.
        props.put("metadata.log.dir", logDir.resolve(METADATA_FOLDER).toString());

        // Kafka's defaults assume three brokers; with one, internal topics could never be created.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", Integer.toString(DurabilitySettings.EMBEDDED.replicationFactor()));
        props.put("min.insync.replicas", Integer.toString(DurabilitySettings.EMBEDDED.minInsyncReplicas()));
        // Kafka's default too; stated so that the policy is read here, not inferred from a version's defaults.
        props.put("unclean.leader.election.enable", "false");

        // Nobody else will join a group on a single platform node, so waiting for more members only adds latency.
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("group.streams.initial.rebalance.delay.ms", "0");

        // Topics are part of the platform's schema: they are created on purpose, never by a typo in a consumer.
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        // Events are the system of record and are replayed to rebuild views, so nothing expires by age or size.
        props.put("log.retention.ms", "-1");
        props.put("log.retention.bytes", "-1");
        // Views store their own checkpoints, but a group's committed offsets also show its lag: keep them
        // for as long as the records (Kafka's default forgets an idle group's offsets after 7 days).
        props.put("offsets.retention.minutes", Integer.toString(Integer.MAX_VALUE));
        // One node has no replica to recover from, so an acknowledged record must be on disk: fsync each
        // append (the relay batches, so this is one fsync per produce request, not per event). With that, a
        // time-based flush would add nothing: it is left at Kafka's default (none).
        props.put("log.flush.interval.messages", "1");
        // One node, a handful of groups: 50 coordinator partitions would only slow the first start.
        props.put("offsets.topic.num.partitions", "8");
        props.put("transaction.state.log.num.partitions", "8");
        props.put("share.coordinator.state.topic.num.partitions", "8");

        props.putAll(settings.overrides());
        return props;
    }

    /**
     * Kafka answers a locked metadata folder by halting the whole JVM (its controller start-up fault handler), so a
     * second broker on the same folder, in this process or another, is refused here while it is still harmless. Only
     * a start racing this very check slips through.
     */
    private static void ensureNotInUse(Path logDir, Path metadataLogDir) {
        Path lockFile = metadataLogDir.resolve(".lock");
        if (!Files.exists(lockFile)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                lock.release();
                return;
            }
        } catch (OverlappingFileLockException e) {
            // Held by a broker in this JVM; reported below like one in another process.
        } catch (IOException e) {
            throw new UncheckedIOException("Could not check whether " + lockFile + " is in use", e);
        }
        throw new IllegalStateException(
                "Kafka storage in " + logDir + " is in use by another running broker (lock " + lockFile + ")");
    }

    /**
     * Formats through {@code kafka-storage format} itself rather than its {@code Formatter}: that class sits in a
     * runtime-only Kafka artifact, and the tool also applies the same defaults an operator would get. Returns whether
     * this call formatted the storage.
     */
    private static boolean formatIfNew(Map<String, String> brokerProperties, Path metadataLogDir) {
        if (Files.exists(metadataLogDir.resolve(META_PROPERTIES))) {
            return false;
        }
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Path configFile = null;
        try {
            // The tool reads its settings from a file only; it lives just for this call so nothing but Kafka's own
            // files stays behind.
            configFile = Files.createTempFile("mercato-kafka-format", ".properties");
            Properties props = new Properties();
            props.putAll(brokerProperties);
            try (var writer = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
                props.store(writer, null);
            }
            String[] args = {"format", "--config", configFile.toString(), "--cluster-id", clusterId};
            int exitCode = StorageTool.execute(args, new PrintStream(output, true, StandardCharsets.UTF_8));
            if (exitCode != 0) {
                throw new IllegalStateException("kafka-storage format exited with " + exitCode + ": " + output);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "Could not format Kafka storage in " + metadataLogDir + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(configFile);
        }
        log.info("Formatted Kafka storage in {} for new cluster {}", metadataLogDir, clusterId);
        log.debug(
                "kafka-storage format said: {}",
                output.toString(StandardCharsets.UTF_8).strip());
        return true;
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Could not delete {}", file, e);
        }
    }

    private void awaitReady(long deadlineNanos, Path metadataLogDir) {
        Throwable lastFailure = null;
        try (Admin admin = admin(PROBE_REQUEST_TIMEOUT)) {
            while (System.nanoTime() < deadlineNanos) {
                Duration remaining = Duration.ofNanos(deadlineNanos - System.nanoTime());
                Duration attempt = remaining.compareTo(PROBE_REQUEST_TIMEOUT) < 0 ? remaining : PROBE_REQUEST_TIMEOUT;
                try {
                    if (hasThisNode(admin, attempt)) {
                        return;
                    }
                    // Listening but not yet unfenced; the next metadata request is cheap.
                    Thread.sleep(50);
                } catch (ExecutionException e) {
                    lastFailure = e.getCause();
                } catch (TimeoutException e) {
                    lastFailure = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while starting the Kafka broker in " + logDir, e);
                }
            }
        }
        throw new IllegalStateException(
                "Kafka broker in " + logDir + " did not accept client requests on " + bootstrapServers + " within "
                        + START_TIMEOUT.toSeconds() + " s; see the broker's log (SLF4J loggers 'kafka' and"
                        + " 'org.apache.kafka') and its metadata log " + metadataLogDir.resolve("__cluster_metadata-0"),
                lastFailure);
    }

    private boolean hasThisNode(Admin admin, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        int timeoutMs = (int) Math.max(1, timeout.toMillis());
        return admin
                .describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                .nodes()
                .get(timeoutMs, TimeUnit.MILLISECONDS)
                .stream()
                .mapToInt(Node::id)
                .anyMatch(id -> id == NODE_ID);
    }

    private Admin admin(Duration timeout) {
        int timeoutMs = (int) Math.max(1, timeout.toMillis());
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 1_000));
        props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Math.min(timeoutMs, 1_000));
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        return Admin.create(props);
    }

    /**
     * Sockets are held open until both picks are made, so they cannot collide with each other, and a port in
     * {@code avoid} (free now, bound by the process later) is passed over.
     */
    private static int[] freePorts(int clientPort, java.util.Set<Integer> avoid) {
        java.util.List<ServerSocket> held = new java.util.ArrayList<>();
        try {
            InetAddress host = InetAddress.getByName(HOST);
            java.util.List<Integer> picked = new java.util.ArrayList<>();
            while (picked.size() < (clientPort == 0 ? 2 : 1)) {
                ServerSocket socket = new ServerSocket(0, 0, host);
                held.add(socket);
                int p = socket.getLocalPort();
                if (p != clientPort && !avoid.contains(p)) {
                    picked.add(p);
                }
            }
            return clientPort == 0 ? new int[] {picked.get(0), picked.get(1)} : new int[] {clientPort, picked.get(0)};
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find free ports on " + HOST, e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // a socket that was only probing
                }
            }
        }
    }
}
