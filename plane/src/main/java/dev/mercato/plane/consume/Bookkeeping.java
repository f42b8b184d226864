package dev.mercato.plane.consume;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The runtime's rows in a view's schema: which generation is active, checkpoints and per-key progress.
 * Every method runs in the caller's transaction.
 */
final class Bookkeeping {

    /**
     * Readers hold this lock shared while they read, a generation change holds it exclusive: once a swap
     * commits no reader is still inside the old generation, so its tables can be dropped under nobody.
     */
    private static final String LOCK_KEY = "8633, hashtext(current_schema())";

    private final JdbcClient jdbc;
    private final Clock clock;

    Bookkeeping(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    record Generations(int active, Integer building, Integer retiring) {}

    record KeyState(long lastSequence, boolean blocked) {}

    void lockForReading() {
        jdbc.sql("SELECT pg_advisory_xact_lock_shared(" + LOCK_KEY + ")")
                .query()
                .singleRow();
    }

    void lockForChange() {
        jdbc.sql("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")").query().singleRow();
    }

    Optional<Generations> generations() {
        return jdbc.sql("SELECT active, building, retiring FROM view_generation")
                .query((rs, n) ->
                        new Generations(rs.getInt("active"), nullableInt(rs, "building"), nullableInt(rs, "retiring")))
                .optional();
    }

    int active() {
        return jdbc.sql("SELECT active FROM view_generation")
                .query(Integer.class)
                .optional()
                .orElseThrow(() -> new IllegalStateException("view not started: no generation yet"));
    }

    void createFirst() {
        jdbc.sql("INSERT INTO view_generation (active, changed_at) VALUES (1, :now)")
                .param("now", now())
                .update();
    }

    void startBuilding(int generation) {
        jdbc.sql("UPDATE view_generation SET building = :g, changed_at = :now")
                .param("g", generation)
                .param("now", now())
                .update();
    }

    /** The swap: readers see {@code generation} from this commit on. */
    boolean promote(int generation) {
        return jdbc.sql("UPDATE view_generation SET retiring = active, active = building, building = NULL,"
                                + " changed_at = :now WHERE building = :g")
                        .param("g", generation)
                        .param("now", now())
                        .update()
                == 1;
    }

    void retired(int generation) {
        forget(generation);
        jdbc.sql("UPDATE view_generation SET retiring = NULL WHERE retiring = :g")
                .param("g", generation)
                .update();
    }

    /** Locks the key's row for the rest of the transaction, creating it if new; serialises consumer and redrive. */
    KeyState lockKey(int generation, String key) {
        return jdbc.sql("INSERT INTO view_key_progress (generation, key, last_sequence) VALUES (:g, :k, 0)"
                        + " ON CONFLICT (generation, key) DO UPDATE SET key = EXCLUDED.key"
                        + " RETURNING last_sequence, blocked")
                .param("g", generation)
                .param("k", key)
                .query((rs, n) -> new KeyState(rs.getLong("last_sequence"), rs.getBoolean("blocked")))
                .single();
    }

    private static final String ADVANCE_KEYS = """
            INSERT INTO view_key_progress (generation, key, last_sequence)
            SELECT ?, k, s FROM unnest(?::text[], ?::bigint[]) AS d(k, s) ORDER BY k
            ON CONFLICT (generation, key) DO UPDATE SET
                previous_sequence = view_key_progress.last_sequence,
                last_sequence = CASE WHEN view_key_progress.blocked THEN view_key_progress.last_sequence
                    ELSE greatest(view_key_progress.last_sequence, EXCLUDED.last_sequence) END,
                applied_at = CASE WHEN view_key_progress.applied_at < now() - interval '1 minute'
                    THEN now() ELSE view_key_progress.applied_at END
            RETURNING key, previous_sequence, blocked""";

    /** A key's state before a round: the last sequence it had applied (0 for a new key), and whether it is blocked. */
    record RoundKey(long appliedBefore, boolean blocked) {}

    /**
     * Locks every key of a round and moves its progress forward, in one statement and one write per key: a
     * key that is not blocked is set to {@code newest}, its highest sequence in the round (never lowered), which
     * is right because a round applies every event of such a key above what it had applied, or rolls back
     * whole. A blocked key keeps its sequence (its events are parked behind the one that blocks it). What each
     * key had applied before comes back from {@code previous_sequence}, written by the same update.
     *
     * <p>Rows are locked in key order, so a round and a redrive (one key) never wait on each other in a cycle.
     * A second runner of the same generation (a zombie during a rebalance) waits for the first's rows and then
     * reads the first's sequences as applied before, so it applies nothing twice. {@code applied_at}, which
     * the retention of idle keys reads, is refreshed at most once a minute per key: in between, the update
     * leaves every indexed column as it was, so PostgreSQL updates the row in place (HOT) without touching
     * the indexes. A key may so be forgotten up to a minute before its retention ends, which is days.
     */
    Map<String, RoundKey> advanceKeys(int generation, Map<String, Long> newest) {
        String[] keys = newest.keySet().stream().sorted().toArray(String[]::new);
        Long[] sequences = java.util.Arrays.stream(keys).map(newest::get).toArray(Long[]::new);
        Map<String, RoundKey> states = new HashMap<>();
        jdbc.sql(ADVANCE_KEYS).params(generation, keys, sequences).query((ResultSet rs) -> {
            states.put(rs.getString("key"), new RoundKey(rs.getLong("previous_sequence"), rs.getBoolean("blocked")));
        });
        return states;
    }

    void applied(int generation, String key, long sequence) {
        jdbc.sql("UPDATE view_key_progress SET last_sequence = :s, applied_at = now()"
                        + " WHERE generation = :g AND key = :k")
                .param("s", sequence)
                .param("g", generation)
                .param("k", key)
                .update();
    }

    void blocked(int generation, String key, boolean blocked) {
        jdbc.sql("UPDATE view_key_progress SET blocked = :b WHERE generation = :g AND key = :k")
                .param("b", blocked)
                .param("g", generation)
                .param("k", key)
                .update();
    }

    /**
     * Deletes up to {@code limit} progress rows of keys not blocked whose last event was applied before
     * {@code cutoff}; returns how many.
     */
    int forgetIdleKeys(int generation, Instant cutoff, int limit) {
        return jdbc.sql("DELETE FROM view_key_progress WHERE (generation, key) IN (SELECT generation, key FROM"
                        + " view_key_progress WHERE generation = ? AND NOT blocked AND applied_at < ? LIMIT ?)")
                .params(generation, at(cutoff), limit)
                .update();
    }

    /** The last applied sequence of a key in the active generation, 0 when none. */
    long lastAppliedInActive(String key) {
        return jdbc.sql("SELECT p.last_sequence FROM view_key_progress p JOIN view_generation g"
                        + " ON p.generation = g.active WHERE p.key = :k")
                .param("k", key)
                .query(Long.class)
                .optional()
                .orElse(0L);
    }

    /** Moves a checkpoint forward only: a zombie consumer of a revoked partition cannot move it back. */
    void checkpoint(int generation, LogPartition partition, long nextOffset) {
        jdbc.sql("INSERT INTO view_checkpoint (generation, topic, partition, next_offset, updated_at)"
                        + " VALUES (:g, :t, :p, :o, :now) ON CONFLICT (generation, topic, partition) DO UPDATE"
                        + " SET next_offset = EXCLUDED.next_offset, updated_at = EXCLUDED.updated_at"
                        + " WHERE view_checkpoint.next_offset < EXCLUDED.next_offset")
                .param("g", generation)
                .param("t", partition.topic())
                .param("p", partition.partition())
                .param("o", nextOffset)
                .param("now", now())
                .update();
    }

    Map<LogPartition, Long> checkpoints(int generation) {
        Map<LogPartition, Long> result = new HashMap<>();
        jdbc.sql("SELECT topic, partition, next_offset FROM view_checkpoint WHERE generation = :g")
                .param("g", generation)
                .query((ResultSet rs) -> {
                    result.put(
                            new LogPartition(rs.getString("topic"), rs.getInt("partition")), rs.getLong("next_offset"));
                });
        return result;
    }

    /** Removes what an abandoned earlier attempt at the same generation may have left. */
    void forget(int generation) {
        jdbc.sql("DELETE FROM view_checkpoint WHERE generation = :g")
                .param("g", generation)
                .update();
        jdbc.sql("DELETE FROM view_key_progress WHERE generation = :g")
                .param("g", generation)
                .update();
        jdbc.sql("DELETE FROM view_dead_letter WHERE generation = :g")
                .param("g", generation)
                .update();
    }

    OffsetDateTime now() {
        return at(clock.instant());
    }

    static OffsetDateTime at(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}
