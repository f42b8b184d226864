package dev.mercato.plane.consume;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.core.simple.JdbcClient.StatementSpec;

/** The dead-letter table of a view. Every method runs in the caller's transaction. */
final class ParkingLot {

    private static final int MAX_ERROR = 4_000;
    private static final String COLUMNS = "id, generation, key, reason, topic, partition, log_offset, sequence,"
            + " event_id, event_type, error, attempts, parked_at, last_attempt_at";

    private final JdbcClient jdbc;
    private final Bookkeeping books;

    ParkingLot(JdbcClient jdbc, Bookkeeping books) {
        this.jdbc = jdbc;
        this.books = books;
    }

    /** A parked event with what a redrive needs. */
    record Parked(long id, int generation, String key, long sequence, Event event) {}

    void parkFailed(int generation, LogRecord r, String error, int attempts) {
        park(generation, r, DeadLetter.Reason.FAILED, error, attempts);
    }

    void parkBehind(int generation, LogRecord r) {
        park(
                generation,
                r,
                DeadLetter.Reason.BEHIND,
                "waits behind an earlier parked event of key " + r.key() + "; redrive the key",
                0);
    }

    void parkUndecodable(int generation, LogRecord r) {
        park(generation, r, DeadLetter.Reason.UNDECODABLE, r.undecodable(), 0);
    }

    private void park(int generation, LogRecord r, DeadLetter.Reason reason, String error, int attempts) {
        Event e = r.event();
        // A republished copy of an event already parked is the same event: keep one.
        StatementSpec insert = jdbc.sql("INSERT INTO view_dead_letter (generation, key, reason, topic, partition,"
                        + " log_offset, record_time, event_id, event_type, event_time, merchant, aggregate_id,"
                        + " sequence, trace_id, data, error, attempts, parked_at, last_attempt_at) VALUES (:g, :k,"
                        + " :reason, :t, :p, :o, :rt, :id, :type, :et, :m, :a, :s, :trace, :data, :error,"
                        + " :attempts, :now, :now) ON CONFLICT (generation, key, sequence) DO NOTHING")
                .param("g", generation)
                .param("k", e == null ? r.key() : e.streamKey())
                .param("reason", reason.name())
                .param("t", r.partition().topic())
                .param("p", r.partition().partition())
                .param("o", r.offset())
                .param("rt", Bookkeeping.at(r.timestamp()))
                .param("error", truncate(error))
                .param("attempts", attempts)
                .param("now", books.now());
        if (e == null) {
            insert.param("id", null, java.sql.Types.OTHER)
                    .param("type", null, java.sql.Types.VARCHAR)
                    .param("et", null, java.sql.Types.TIMESTAMP_WITH_TIMEZONE)
                    .param("m", null, java.sql.Types.VARCHAR)
                    .param("a", null, java.sql.Types.VARCHAR)
                    .param("s", null, java.sql.Types.BIGINT)
                    .param("trace", null, java.sql.Types.VARCHAR)
                    .param("data", null, java.sql.Types.VARCHAR);
        } else {
            insert.param("id", e.id())
                    .param("type", e.type().wire())
                    .param("et", Bookkeeping.at(e.time()))
                    .param("m", e.merchant().value())
                    .param("a", e.aggregateId())
                    .param("s", e.sequence())
                    .param("trace", e.traceId())
                    .param("data", e.data());
        }
        insert.update();
    }

    List<DeadLetter> list() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM view_dead_letter ORDER BY generation, key, sequence, id")
                .query(ParkingLot::letter)
                .list();
    }

    Optional<DeadLetter> get(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM view_dead_letter WHERE id = :id")
                .param("id", id)
                .query(ParkingLot::letter)
                .optional();
    }

    /** The first event in a key's queue: the one that must be applied before any other of the key. */
    Optional<Parked> head(int generation, String key) {
        return jdbc.sql("SELECT id, generation, key, sequence, event_id, event_type, event_time, merchant,"
                        + " aggregate_id, trace_id, data FROM view_dead_letter WHERE generation = :g AND key = :k"
                        + " AND sequence IS NOT NULL ORDER BY sequence LIMIT 1")
                .param("g", generation)
                .param("k", key)
                .query(ParkingLot::parked)
                .optional();
    }

    /** Generations and keys whose queue holds events, oldest parked first. */
    List<GenerationKey> queuedKeys() {
        return jdbc.sql("SELECT generation, key FROM view_dead_letter WHERE sequence IS NOT NULL"
                        + " GROUP BY generation, key ORDER BY min(id)")
                .query((rs, n) -> new GenerationKey(rs.getInt("generation"), rs.getString("key")))
                .list();
    }

    record GenerationKey(int generation, String key) {}

    int queued(int generation, String key) {
        return jdbc.sql("SELECT count(*) FROM view_dead_letter WHERE generation = :g AND key = :k"
                        + " AND sequence IS NOT NULL")
                .param("g", generation)
                .param("k", key)
                .query(Integer.class)
                .single();
    }

    boolean remove(long id) {
        return jdbc.sql("DELETE FROM view_dead_letter WHERE id = :id")
                        .param("id", id)
                        .update()
                == 1;
    }

    void failedAgain(long id, String error) {
        jdbc.sql("UPDATE view_dead_letter SET reason = 'FAILED', error = :error, attempts = attempts + 1,"
                        + " last_attempt_at = :now WHERE id = :id")
                .param("error", truncate(error))
                .param("now", books.now())
                .param("id", id)
                .update();
    }

    private static DeadLetter letter(ResultSet rs, int n) throws SQLException {
        long sequence = rs.getLong("sequence");
        Long seq = rs.wasNull() ? null : sequence;
        return new DeadLetter(
                rs.getLong("id"),
                rs.getInt("generation"),
                rs.getString("key"),
                DeadLetter.Reason.valueOf(rs.getString("reason")),
                rs.getString("topic"),
                rs.getInt("partition"),
                rs.getLong("log_offset"),
                seq,
                rs.getObject("event_id", UUID.class),
                rs.getString("event_type"),
                rs.getString("error"),
                rs.getInt("attempts"),
                Bookkeeping.instant(rs, "parked_at"),
                Bookkeeping.instant(rs, "last_attempt_at"));
    }

    private static Parked parked(ResultSet rs, int n) throws SQLException {
        Event event = new Event(
                rs.getObject("event_id", UUID.class),
                EventType.parse(rs.getString("event_type")),
                Bookkeeping.instant(rs, "event_time"),
                MerchantId.of(rs.getString("merchant")),
                rs.getString("aggregate_id"),
                rs.getLong("sequence"),
                rs.getString("trace_id"),
                rs.getString("data"));
        return new Parked(rs.getLong("id"), rs.getInt("generation"), rs.getString("key"), event.sequence(), event);
    }

    static String truncate(String error) {
        String text = error == null ? "" : error;
        return text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR);
    }
}
