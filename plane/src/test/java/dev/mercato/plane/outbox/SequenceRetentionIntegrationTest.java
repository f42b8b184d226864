package dev.mercato.plane.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import dev.mercato.plane.testing.MutableClock;
import dev.mercato.plane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * outbox_sequences retention against a real PostgreSQL: rows of idle streams go, and no stream's sequence ever goes
 * back or repeats, whatever runs at the same time; and the append that takes sequences keeps a stream's events in
 * position order, the order the relay publishes them in.
 */
class SequenceRetentionIntegrationTest {

    static final MerchantId ACME = MerchantId.of("acme");
    static final EventType HAPPENED = EventType.of("shop", "thing-happened", 1);
    static final SequenceRetentionSettings DAYS_30 = new SequenceRetentionSettings(Duration.ofDays(30), 2);
    static final Duration WAIT = Duration.ofSeconds(30);

    PostgresStores stores;
    CapabilityStore shop;
    MutableClock clock;
    Outbox outbox;
    // Not the common pool: on two cores it has one worker, and these tests hold transactions open in parallel.
    final ExecutorService background = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() {
        stores = SharedPostgres.freshStores();
        shop = stores.open("shop");
        stores.migrate(shop, "classpath:db/plane/outbox", "plane_outbox_history");
        clock = MutableClock.startingNow();
        outbox = new Outbox(shop, clock);
    }

    @AfterEach
    void tearDown() {
        background.shutdownNow();
        stores.close();
    }

    @Test
    void a_forgotten_stream_resumes_above_every_sequence_it_had_and_the_table_shrinks() {
        assertThat(append("a-1", 3)).containsExactly(1L, 2L, 3L);
        assertThat(append("a-2", 5)).containsExactly(1L, 2L, 3L, 4L, 5L);
        append("a-3", 1);
        publishAndPurge();
        clock.advance(Duration.ofDays(31));
        assertThat(rows()).isEqualTo(3);

        SequenceRetention retention = new SequenceRetention(shop, clock);
        // Batches of two: the sweep goes on until a batch comes back short.
        assertThat(retention.sweep(DAYS_30)).isEqualTo(3);

        assertThat(rows()).isZero();
        assertThat(retention.floor()).isEqualTo(5);
        assertThat(append("a-1", 2))
                .as("above 3, its last, and above every forgotten stream's")
                .containsExactly(6L, 7L);
        assertThat(append("a-2", 1)).containsExactly(6L);
        assertThat(append("a-new", 1))
                .as("a new stream starts above the floor too")
                .containsExactly(6L);
        assertThat(outbox.latest(ACME, "a-3"))
                .as("forgotten, and not appended since")
                .isEmpty();
        assertThat(outbox.latest(ACME, "a-1")).map(t -> t.sequence()).contains(7L);
    }

    @Test
    void only_streams_idle_past_the_horizon_with_no_outbox_row_left_are_forgotten() {
        append("published-long-ago", 2);
        append("unpublished", 2);
        purge("published-long-ago");
        clock.advance(Duration.ofDays(31));
        append("recent", 1);
        purge("recent");

        assertThat(new SequenceRetention(shop, clock).sweep(DAYS_30)).isEqualTo(1);

        assertThat(streams()).containsExactlyInAnyOrder("unpublished", "recent");
        assertThat(append("unpublished", 1)).containsExactly(3L);
        assertThat(append("recent", 1)).containsExactly(2L);
    }

    @Test
    void a_sweep_passes_over_a_stream_whose_append_is_in_flight() throws Exception {
        append("busy", 2);
        publishAndPurge();
        clock.advance(Duration.ofDays(31));
        CountDownLatch appended = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<List<Long>> inFlight = CompletableFuture.supplyAsync(
                () -> shop.transactions().execute(status -> {
                    long sequence =
                            outbox.append(HAPPENED, ACME, "busy", Map.of()).sequence();
                    appended.countDown();
                    await().atMost(WAIT).until(() -> release.getCount() == 0);
                    return List.of(sequence);
                }),
                background);
        assertThat(appended.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        // The append holds the row (its committed version is still old): skipped, not waited for.
        assertThat(new SequenceRetention(shop, clock).sweep(DAYS_30)).isZero();
        release.countDown();

        assertThat(inFlight.get(WAIT.toSeconds(), TimeUnit.SECONDS)).containsExactly(3L);
        assertThat(streams()).containsExactly("busy");
    }

    @Test
    void an_append_that_waits_for_a_sweep_holding_its_stream_gets_a_number_above_the_forgotten_one() throws Exception {
        append("a-1", 4);
        publishAndPurge();
        clock.advance(Duration.ofDays(31));
        AtomicInteger appenderPid = new AtomicInteger();
        List<CompletableFuture<Long>> appender = new ArrayList<>();

        SequenceRetention holding = new SequenceRetention(shop, clock, locked -> {
            assertThat(locked).containsExactly(new SequenceRetention.StreamRow("acme", "a-1"));
            int sweeperPid = pid();
            appender.add(CompletableFuture.supplyAsync(
                    () -> shop.transactions().execute(status -> {
                        appenderPid.set(pid());
                        return outbox.append(HAPPENED, ACME, "a-1", Map.of()).sequence();
                    }),
                    background));
            // The append now waits for this sweep's lock on a-1's row; the sweep goes on only once it does.
            await().atMost(WAIT)
                    .until(() -> appenderPid.get() != 0
                            && blockers(appenderPid.get()).contains(sweeperPid));
        });
        assertThat(holding.sweep(DAYS_30)).isEqualTo(1);

        assertThat(appender.getFirst().get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("not 1 (a fresh row) nor 5 by luck: floor 4, plus one")
                .isEqualTo(5L);
        assertThat(holding.floor()).isEqualTo(4);
    }

    /**
     * The narrowest window: the stream has no row when the append looks, another writer creates it and a sweep
     * forgets it (raising the floor) after the append read the floor and before its insert. A test-only trigger
     * holds the append's insert in that window; the append must read the floor again once its row is in.
     */
    @Test
    void a_stream_created_and_forgotten_while_an_append_inserted_it_still_resumes_above_the_floor() throws Exception {
        installInsertGate();
        try (Connection gate = shop.dataSource().getConnection()) {
            int gatePid = hold(gate);
            AtomicInteger appenderPid = new AtomicInteger();
            CompletableFuture<Long> appending = CompletableFuture.supplyAsync(
                    () -> shop.transactions().execute(status -> {
                        appenderPid.set(pid());
                        shop.jdbc().sql("SET LOCAL mercato_test.gate = 'on'").update();
                        return outbox.append(HAPPENED, ACME, "k", Map.of()).sequence();
                    }),
                    background);
            // The append found no row, read floor 0 and now waits at its insert.
            await().atMost(WAIT)
                    .until(() -> appenderPid.get() != 0
                            && blockers(appenderPid.get()).contains(gatePid));

            createdByAnotherWriterAndPurged("k", 9);
            clock.advance(Duration.ofDays(31));
            SequenceRetention retention = new SequenceRetention(shop, clock);
            assertThat(retention.sweep(DAYS_30)).isEqualTo(1);
            assertThat(retention.floor()).isEqualTo(9);
            release(gate);

            assertThat(appending.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("1 would repeat a number the stream had: the floor is read again after the insert")
                    .isEqualTo(10L);
        }
    }

    @Test
    void under_repeatable_read_that_append_fails_rather_than_take_a_number_from_a_stale_floor() throws Exception {
        installInsertGate();
        TransactionTemplate repeatableRead =
                new TransactionTemplate(shop.transactions().getTransactionManager());
        repeatableRead.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        try (Connection gate = shop.dataSource().getConnection()) {
            int gatePid = hold(gate);
            AtomicInteger appenderPid = new AtomicInteger();
            CompletableFuture<Long> appending = CompletableFuture.supplyAsync(
                    () -> repeatableRead.execute(status -> {
                        appenderPid.set(pid());
                        shop.jdbc().sql("SET LOCAL mercato_test.gate = 'on'").update();
                        return outbox.append(HAPPENED, ACME, "k", Map.of()).sequence();
                    }),
                    background);
            await().atMost(WAIT)
                    .until(() -> appenderPid.get() != 0
                            && blockers(appenderPid.get()).contains(gatePid));

            createdByAnotherWriterAndPurged("k", 9);
            clock.advance(Duration.ofDays(31));
            assertThat(new SequenceRetention(shop, clock).sweep(DAYS_30)).isEqualTo(1);
            release(gate);

            assertThatThrownBy(() -> appending.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(PSQLException.class)
                    .rootCause()
                    .satisfies(e -> assertThat(((PSQLException) e).getSQLState())
                            .as("serialization failure: the caller retries")
                            .isEqualTo("40001"));
        }
        assertThat(streams()).isEmpty();
    }

    @Test
    void an_append_that_waits_for_its_streams_lock_takes_its_position_after_the_append_it_waited_for()
            throws Exception {
        CountDownLatch firstAppended = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        AtomicInteger firstPid = new AtomicInteger();
        AtomicInteger secondPid = new AtomicInteger();
        CompletableFuture<Void> first = CompletableFuture.runAsync(
                () -> shop.transactions().executeWithoutResult(status -> {
                    firstPid.set(pid());
                    outbox.append(HAPPENED, ACME, "k", Map.of());
                    firstAppended.countDown();
                    await().atMost(WAIT).until(() -> goOn.getCount() == 0);
                    outbox.append(HAPPENED, ACME, "k", Map.of());
                }),
                background);
        assertThat(firstAppended.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> second = CompletableFuture.runAsync(
                () -> shop.transactions().executeWithoutResult(status -> {
                    secondPid.set(pid());
                    outbox.append(HAPPENED, ACME, "k", Map.of());
                }),
                background);
        await().atMost(WAIT)
                .until(() -> secondPid.get() != 0 && blockers(secondPid.get()).contains(firstPid.get()));
        goOn.countDown();
        first.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        second.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        // The relay publishes by position: drawn before the lock, the waiting append's position would come first.
        assertThat(publishAndPurge()).extracting(Published::sequence).containsExactly(1L, 2L, 3L);
    }

    /**
     * Three writers append to four streams at random (single appends and batches, some rolled back) while a relay
     * stand-in publishes and purges outbox rows and a sweeper forgets idle streams, with time moving on between
     * sweeps. Whatever the interleaving, the log a consumer reads must give each stream strictly increasing
     * sequences, and hold every committed event once.
     */
    @Test
    void under_random_interleavings_of_appends_purges_and_sweeps_no_stream_ever_repeats_or_goes_back()
            throws Exception {
        long seed = System.nanoTime();
        Random seeds = new Random(seed);
        List<String> keys = List.of("k-1", "k-2", "k-3", "k-4");
        SequenceRetentionSettings everyIdleStream = new SequenceRetentionSettings(Duration.ofHours(1), 3);
        SequenceRetention retention = new SequenceRetention(shop, clock);
        ConcurrentLinkedQueue<Published> log = new ConcurrentLinkedQueue<>();
        AtomicLong committed = new AtomicLong();
        AtomicInteger swept = new AtomicInteger();
        AtomicBoolean writing = new AtomicBoolean(true);
        int writers = 3;
        int transactionsPerWriter = 120;

        try (ExecutorService pool = Executors.newFixedThreadPool(writers + 2)) {
            List<Future<?>> writes = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                Random random = new Random(seeds.nextLong());
                writes.add(pool.submit(() -> {
                    for (int t = 0; t < transactionsPerWriter; t++) {
                        String key = keys.get(random.nextInt(keys.size()));
                        int count = 1 + random.nextInt(3);
                        boolean batch = random.nextBoolean();
                        boolean rollBack = random.nextInt(10) == 0;
                        try {
                            shop.transactions().executeWithoutResult(status -> {
                                if (batch) {
                                    outbox.appendAll(Collections.nCopies(
                                            count, new Outbox.Draft(HAPPENED, ACME, key, Map.of())));
                                } else {
                                    for (int i = 0; i < count; i++) {
                                        outbox.append(HAPPENED, ACME, key, Map.of());
                                    }
                                }
                                if (rollBack) {
                                    status.setRollbackOnly();
                                }
                            });
                            if (!rollBack) {
                                committed.addAndGet(count);
                            }
                        } catch (RuntimeException e) {
                            throw new AssertionError("append failed (seed " + seed + ")", e);
                        }
                    }
                    return null;
                }));
            }
            Future<?> relay = pool.submit(() -> {
                while (writing.get()) {
                    log.addAll(publishAndPurge());
                }
                return null;
            });
            Random sweeps = new Random(seeds.nextLong());
            Future<?> sweeper = pool.submit(() -> {
                while (writing.get()) {
                    clock.advance(Duration.ofMinutes(30 + sweeps.nextInt(90)));
                    swept.addAndGet(retention.sweep(everyIdleStream));
                }
                return null;
            });
            for (Future<?> write : writes) {
                write.get(2, TimeUnit.MINUTES);
            }
            writing.set(false);
            relay.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            sweeper.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        log.addAll(publishAndPurge());

        String why = "seed " + seed;
        assertThat(log).as(why).hasSize((int) committed.get());
        Map<String, Long> lastSeen = new HashMap<>();
        Set<String> resumedWithAGap = new HashSet<>();
        for (Published event : log) {
            Long before = lastSeen.put(event.key(), event.sequence());
            if (before != null) {
                assertThat(event.sequence())
                        .as("%s: %s after %d in the log (%s)", event.key(), event.sequence(), before, why)
                        .isGreaterThan(before);
                if (event.sequence() > before + 1) {
                    resumedWithAGap.add(event.key());
                }
            }
        }
        // The run proves something only if sweeps forgot streams that were then appended to again.
        assertThat(swept.get()).as(why).isPositive();
        assertThat(resumedWithAGap).as(why).isNotEmpty();
    }

    record Published(long position, String key, long sequence) {}

    /** Holds inserts into outbox_sequences of transactions that set mercato_test.gate, while the gate is held. */
    void installInsertGate() {
        shop.jdbc()
                .sql("CREATE FUNCTION insert_gate() RETURNS trigger LANGUAGE plpgsql AS $$"
                        + " BEGIN PERFORM pg_advisory_xact_lock_shared(4242); RETURN NEW; END $$")
                .update();
        shop.jdbc()
                .sql("CREATE TRIGGER insert_gate BEFORE INSERT ON outbox_sequences FOR EACH ROW"
                        + " WHEN (current_setting('mercato_test.gate', true) = 'on') EXECUTE FUNCTION insert_gate()")
                .update();
    }

    static int hold(Connection gate) throws SQLException {
        try (Statement s = gate.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_advisory_lock(4242), pg_backend_pid()")) {
            rs.next();
            return rs.getInt(2);
        }
    }

    static void release(Connection gate) throws SQLException {
        try (Statement s = gate.createStatement()) {
            s.execute("SELECT pg_advisory_unlock(4242)");
        }
    }

    /** Another writer's stream, appended up to {@code last}, published and purged. */
    void createdByAnotherWriterAndPurged(String aggregate, long last) {
        shop.jdbc()
                .sql("INSERT INTO outbox_sequences (merchant_id, aggregate_id, last_sequence, last_appended_at)"
                        + " VALUES (?, ?, ?, ?)")
                .params(ACME.value(), aggregate, last, Timestamp.from(clock.instant()))
                .update();
    }

    List<Long> append(String aggregate, int count) {
        return shop.transactions().execute(status -> {
            List<Long> sequences = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sequences.add(outbox.append(HAPPENED, ACME, aggregate, Map.of()).sequence());
            }
            return sequences;
        });
    }

    /**
     * What the relay and its purge do to committed rows, in position order: each row read is gone afterwards, as if
     * published and purged. Returns them in the order a consumer would read them.
     */
    List<Published> publishAndPurge() {
        return shop.jdbc()
                .sql("WITH gone AS (DELETE FROM outbox WHERE position IN"
                        + " (SELECT position FROM outbox ORDER BY position LIMIT 50)"
                        + " RETURNING position, aggregate_id, sequence)"
                        + " SELECT * FROM gone ORDER BY position")
                .query((rs, i) -> new Published(rs.getLong(1), rs.getString(2), rs.getLong(3)))
                .list();
    }

    void purge(String aggregate) {
        shop.jdbc()
                .sql("DELETE FROM outbox WHERE aggregate_id = ?")
                .param(aggregate)
                .update();
    }

    long rows() {
        return shop.jdbc()
                .sql("SELECT count(*) FROM outbox_sequences")
                .query(Long.class)
                .single();
    }

    List<String> streams() {
        return shop.jdbc()
                .sql("SELECT aggregate_id FROM outbox_sequences")
                .query(String.class)
                .list();
    }

    int pid() {
        return shop.jdbc().sql("SELECT pg_backend_pid()").query(Integer.class).single();
    }

    List<Integer> blockers(int pid) {
        return shop.jdbc()
                .sql("SELECT unnest(pg_blocking_pids(?))")
                .param(pid)
                .query(Integer.class)
                .list();
    }
}
