package dev.mercato.plane.consume;

import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A test view: a running total per key and the list of applied sequences per key in apply order, with
 * switches that make it fail for chosen events or hold a generation back.
 */
final class TotalsView implements View {

    private final String name;
    private final List<String> topics;
    /** Events ({@code key#sequence}) that fail every time until removed. */
    final Set<String> poisoned = ConcurrentHashMap.newKeySet();
    /** Events that fail this many more times, then apply. */
    final Map<String, AtomicInteger> flaky = new ConcurrentHashMap<>();
    /** How often apply was called per event. */
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    /** Generations from this number on wait for {@link #gate} before applying anything. */
    volatile int holdFrom = Integer.MAX_VALUE;

    final CountDownLatch gate = new CountDownLatch(1);
    /** The event ({@code key#sequence}) whose apply signals {@link #held} and waits for {@link #release}. */
    volatile String holdAt;

    final CountDownLatch held = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    TotalsView(String name, String... topics) {
        this.name = name;
        this.topics = List.of(topics);
    }

    static String id(String key, long sequence) {
        return key + "#" + sequence;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> topics() {
        return topics;
    }

    @Override
    public void createTables(JdbcClient tx, Generation g) {
        tx.sql("CREATE TABLE IF NOT EXISTS " + g.table("totals")
                        + " (key text PRIMARY KEY, total bigint NOT NULL, events integer NOT NULL)")
                .update();
        tx.sql("CREATE TABLE IF NOT EXISTS " + g.table("applied")
                        + " (position bigserial PRIMARY KEY, key text NOT NULL, sequence bigint NOT NULL)")
                .update();
    }

    @Override
    public void dropTables(JdbcClient tx, Generation g) {
        tx.sql("DROP TABLE IF EXISTS " + g.table("totals")).update();
        tx.sql("DROP TABLE IF EXISTS " + g.table("applied")).update();
    }

    @Override
    public void apply(Event event, JdbcClient tx, Generation g) {
        String id = id(event.streamKey(), event.sequence());
        calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        if (g.number() >= holdFrom) {
            await(gate);
        }
        if (id.equals(holdAt)) {
            held.countDown();
            await(release);
        }
        if (poisoned.contains(id)) {
            throw new IllegalStateException("poisoned " + id);
        }
        AtomicInteger failures = flaky.get(id);
        if (failures != null && failures.getAndDecrement() > 0) {
            throw new IllegalStateException("transient failure of " + id);
        }
        long amount = EventJson.tree(event.data()).get("amount").asLong();
        tx.sql("INSERT INTO " + g.table("totals") + " (key, total, events) VALUES (:k, :a, 1)"
                        + " ON CONFLICT (key) DO UPDATE SET total = " + g.table("totals") + ".total + :a,"
                        + " events = " + g.table("totals") + ".events + 1")
                .param("k", event.streamKey())
                .param("a", amount)
                .update();
        tx.sql("INSERT INTO " + g.table("applied") + " (key, sequence) VALUES (:k, :s)")
                .param("k", event.streamKey())
                .param("s", event.sequence())
                .update();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    int calls(String key, long sequence) {
        AtomicInteger n = calls.get(id(key, sequence));
        return n == null ? 0 : n.get();
    }

    // Reads, always through the runtime so they see the active generation.

    static Map<String, Long> totals(ViewRuntime runtime, String view) {
        return runtime.read(view, (jdbc, g) -> {
            Map<String, Long> totals = new LinkedHashMap<>();
            jdbc.sql("SELECT key, total FROM " + g.table("totals") + " ORDER BY key")
                    .query((java.sql.ResultSet rs) -> {
                        totals.put(rs.getString("key"), rs.getLong("total"));
                    });
            return totals;
        });
    }

    static List<Long> sequences(ViewRuntime runtime, String view, String key) {
        return runtime.read(
                view,
                (jdbc, g) -> jdbc.sql(
                                "SELECT sequence FROM " + g.table("applied") + " WHERE key = :k ORDER BY position")
                        .param("k", key)
                        .query(Long.class)
                        .list());
    }

    static Map<String, List<Long>> allSequences(ViewRuntime runtime, String view) {
        return runtime.read(view, (jdbc, g) -> {
            Map<String, List<Long>> all = new LinkedHashMap<>();
            jdbc.sql("SELECT key, sequence FROM " + g.table("applied") + " ORDER BY position")
                    .query((java.sql.ResultSet rs) -> {
                        all.computeIfAbsent(rs.getString("key"), k -> new java.util.ArrayList<>())
                                .add(rs.getLong("sequence"));
                    });
            return all;
        });
    }

    static long appliedCount(ViewRuntime runtime, String view) {
        return runtime.read(
                view,
                (jdbc, g) -> jdbc.sql("SELECT count(*) FROM " + g.table("applied"))
                        .query(Long.class)
                        .single());
    }
}
