package dev.mercato.plane.outbox;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.consume.WritePressure;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.events.Tracing;
import dev.mercato.plane.outbox.OutboxStatus.RelayState;
import dev.mercato.plane.postgres.CapabilityStore;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one capability's committed outbox rows to the log, in position order, at least once.
 *
 * <p>Only the relay holding the capability's lease (a PostgreSQL session advisory lock) publishes; any
 * other instance waits on standby and takes over when the holder's session ends. With one publisher per
 * outbox, the events of an aggregate reach the log in sequence order even with several relays running.
 * All of the leader's work happens on the session that holds the lease, so it cannot publish after
 * losing it.
 *
 * <p>Rows are marked published only after the log acknowledged them; a relay that dies in between
 * publishes them again, and consumers drop the duplicates by event sequence.
 */
public final class OutboxRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** How often a waiting leader looks at the flag a local commit raises. */
    static final Duration SLICE = Duration.ofMillis(10);

    /** A point where tests make the relay fail as a crash would. */
    public interface Faults {
        Faults NONE = events -> {};

        void afterPublishBeforeMark(List<Event> events);
    }

    private final CapabilityStore store;
    private final LogPublisher publisher;
    private final RelaySettings settings;
    private final Clock clock;
    private final Faults faults;
    private final long leaseKey;
    private final String channel;
    private final AtomicLong published = new AtomicLong();
    private final Object wake = new Object();
    private final WritePressure pressure;
    private final Duration linger;
    private volatile RelayState state = RelayState.STANDBY;
    private volatile String lastError = "";
    private volatile boolean running = true;
    private volatile boolean alerting;
    // Set by a commit that appended rows; cleared by the relay before it reads. A set flag means "look again".
    private volatile boolean dirty;
    // True while the leader waits for a NOTIFY; only then does a wake-up need to send one.
    private volatile boolean idle;
    private final java.util.concurrent.atomic.AtomicBoolean notifying = new java.util.concurrent.atomic.AtomicBoolean();
    private final Thread thread;
    private Instant lastPurge = Instant.EPOCH;
    // Parsed once: a relay sees few types and merchants, and many events of each.
    private final java.util.Map<String, EventType> types = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, MerchantId> merchants = new java.util.concurrent.ConcurrentHashMap<>();

    public OutboxRelay(
            CapabilityStore store, LogPublisher publisher, RelaySettings settings, Clock clock, Faults faults) {
        this(store, publisher, settings, clock, faults, WritePressure.NONE, Duration.ZERO);
    }

    /**
     * @param pressure whether the write path is busy: then a round that found less than a batch is
     *     followed by a pause of {@code linger} before the next, so rows gather into fewer, larger rounds
     *     (each round is a read, a publish and a marking commit) instead of one round per business commit
     */
    public OutboxRelay(
            CapabilityStore store,
            LogPublisher publisher,
            RelaySettings settings,
            Clock clock,
            Faults faults,
            WritePressure pressure,
            Duration linger) {
        this.pressure = pressure;
        this.linger = linger;
        this.store = store;
        this.publisher = publisher;
        this.settings = settings;
        this.clock = clock;
        this.faults = faults;
        this.leaseKey = leaseKey(store.schema());
        this.channel = "mercato_outbox_" + store.schema();
        this.thread = Thread.ofPlatform()
                .name("outbox-relay-" + store.schema())
                .daemon(true)
                .unstarted(this::run);
    }

    public OutboxRelay start() {
        thread.start();
        return this;
    }

    private void run() {
        Duration backoff = Duration.ofMillis(100);
        while (running) {
            try (Connection lease = store.dataSource().getConnection()) {
                lease.setAutoCommit(true);
                if (!tryLease(lease)) {
                    state = RelayState.STANDBY;
                    pause(settings.pollInterval().multipliedBy(2));
                    continue;
                }
                try {
                    lead(lease);
                } finally {
                    releaseLease(lease);
                }
                backoff = Duration.ofMillis(100);
            } catch (Exception e) {
                if (!running) {
                    break;
                }
                state = RelayState.FAILING;
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                log.warn(
                        "Outbox relay for {} failed, retrying in {} ms: {}",
                        store.schema(),
                        backoff.toMillis(),
                        lastError);
                pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        state = RelayState.STOPPED;
    }

    private void lead(Connection lease) throws SQLException {
        // A relay that failed stays FAILING until a batch gets through, not merely until it re-leases.
        if (state != RelayState.FAILING) {
            state = RelayState.LEADER;
        }
        try (Statement s = lease.createStatement()) {
            s.execute("LISTEN " + channel);
            // Marking rows published need not wait for the WAL flush: a mark lost in a crash only means
            // those events are published again, and consumers drop a (key, sequence) they have applied.
            // The business rows and their outbox rows keep synchronous commits.
            s.execute("SET synchronous_commit TO OFF");
        }
        PGConnection pg = lease.unwrap(PGConnection.class);
        log.info("Outbox relay for {} holds the lease and publishes", store.schema());
        while (running) {
            int sent = relayBatch(lease);
            state = RelayState.LEADER;
            lastError = "";
            purgeIfDue(lease);
            if (sent < settings.batchSize()) {
                if (!linger.isZero() && pressure.high()) {
                    pause(linger);
                }
                awaitWork(pg);
            }
        }
    }

    int relayBatch(Connection c) throws SQLException {
        List<Long> positions = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT position, event_id, type, merchant_id, aggregate_id, sequence, trace_id, occurred_at, payload"
                        + " FROM outbox WHERE published_at IS NULL ORDER BY position LIMIT ?")) {
            ps.setInt(1, settings.batchSize());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    positions.add(rs.getLong(1));
                    events.add(new Event(
                            rs.getObject(2, UUID.class),
                            types.computeIfAbsent(rs.getString(3), EventType::parse),
                            rs.getTimestamp(8).toInstant(),
                            merchants.computeIfAbsent(rs.getString(4), MerchantId::of),
                            rs.getString(5),
                            rs.getLong(6),
                            rs.getString(7),
                            rs.getString(9)));
                }
            }
        }
        if (events.isEmpty()) {
            return 0;
        }
        Instant sending = Instant.now();
        publisher.publish(events);
        Tracing.record("publish " + store.schema(), events, sending, Instant.now());
        faults.afterPublishBeforeMark(events);
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE outbox SET published_at = now() WHERE position = ANY(?)")) {
            Array array = c.createArrayOf("bigint", positions.toArray());
            ps.setArray(1, array);
            ps.executeUpdate();
        }
        published.addAndGet(events.size());
        return events.size();
    }

    private void purgeIfDue(Connection c) throws SQLException {
        Instant now = clock.instant();
        if (Duration.between(lastPurge, now).compareTo(Duration.ofMinutes(1)) < 0) {
            return;
        }
        lastPurge = now;
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => ?)")) {
            ps.setDouble(1, settings.retention().toSeconds());
            int purged = ps.executeUpdate();
            if (purged > 0) {
                log.debug("Purged {} published outbox rows of {}", purged, store.schema());
            }
        }
    }

    /**
     * A transaction that appended to this outbox committed: have the leader look. When this process's relay
     * leads, a flag is enough (it looks at it every {@link #SLICE} while it waits). When another instance
     * leads, one NOTIFY is sent, at most one in flight, in its own transaction with {@code
     * synchronous_commit} off. (A NOTIFY inside the business transaction would hold PostgreSQL's notify lock
     * through that transaction's WAL flush, so all such commits in the cluster would queue behind each
     * other.)
     */
    public void wake() {
        dirty = true;
        if (state != RelayState.LEADER && running && notifying.compareAndSet(false, true)) {
            Thread.ofVirtual().name("outbox-wake-" + store.schema()).start(this::sendWake);
        }
    }

    /**
     * Waits until a commit in this process flags new rows, another instance's commit NOTIFYs, or the poll
     * interval passes. The flag is looked at every {@link #SLICE}, between short blocking reads of the
     * lease connection's notifications, so a local commit costs no database round trip at all.
     */
    private void awaitWork(PGConnection pg) throws SQLException {
        idle = true;
        try {
            long deadline = System.nanoTime() + settings.pollInterval().toNanos();
            while (running && !dirty) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                var notifications =
                        pg.getNotifications((int) Math.max(1, Math.min(SLICE.toMillis(), left / 1_000_000)));
                if (notifications != null && notifications.length > 0) {
                    return;
                }
            }
        } finally {
            idle = false;
            dirty = false;
        }
    }

    private void sendWake() {
        try {
            store.transactions().executeWithoutResult(status -> {
                store.jdbc().sql("SET LOCAL synchronous_commit TO OFF").update();
                store.jdbc()
                        .sql("SELECT pg_notify(?, '')")
                        .param(channel)
                        .query()
                        .listOfRows();
            });
        } catch (RuntimeException e) {
            // The poll interval is the fallback: a lost wake-up delays publishing, it loses nothing.
            log.debug("Waking the {} relay failed: {}", store.schema(), e.toString());
        } finally {
            notifying.set(false);
        }
    }

    /** Backlog and relay state, read from the outbox itself (any instance sees the same backlog). */
    public OutboxStatus status() {
        record Backlog(long count, double oldestSeconds) {}
        Backlog backlog = store.jdbc()
                .sql("SELECT count(*), coalesce(extract(epoch FROM now() - min(occurred_at)), 0)"
                        + " FROM outbox WHERE published_at IS NULL")
                .query((rs, i) -> new Backlog(rs.getLong(1), rs.getDouble(2)))
                .single();
        Duration age = Duration.ofMillis((long) (Math.max(0, backlog.oldestSeconds()) * 1000));
        boolean alert = age.compareTo(settings.alertAfter()) > 0;
        if (alert && !alerting) {
            log.warn(
                    "Outbox of {} has {} unpublished events, the oldest waiting {} s (threshold {} s)",
                    store.schema(),
                    backlog.count(),
                    age.toSeconds(),
                    settings.alertAfter().toSeconds());
        }
        alerting = alert;
        return new OutboxStatus(store.schema(), backlog.count(), age, alert, state, published.get(), lastError);
    }

    /** Events this relay has published since it started; cheap, unlike {@link #status()}. */
    public long publishedSinceStart() {
        return published.get();
    }

    public String capability() {
        return store.schema();
    }

    private boolean tryLease(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + leaseKey + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private void releaseLease(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("UNLISTEN *");
            s.execute("RESET synchronous_commit");
            s.execute("SELECT pg_advisory_unlock_all()");
        } catch (SQLException e) {
            // The session is going away anyway; its locks go with it.
        }
    }

    private void pause(Duration d) {
        synchronized (wake) {
            if (running) {
                try {
                    wake.wait(Math.max(1, d.toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    /** The lease is per capability (schema), the same key on every instance. */
    static long leaseKey(String schema) {
        CRC32 crc = new CRC32();
        crc.update(("mercato-relay:" + schema).getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    @Override
    public void close() {
        running = false;
        synchronized (wake) {
            wake.notifyAll();
        }
        if (idle) {
            // A leader blocked waiting for a NOTIFY returns at once instead of after its poll interval.
            sendWake();
        }
        try {
            thread.join(settings.pollInterval().toMillis() + 5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        state = RelayState.STOPPED;
    }
}
