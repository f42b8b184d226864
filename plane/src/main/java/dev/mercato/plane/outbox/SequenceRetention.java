package dev.mercato.plane.outbox;

import dev.mercato.plane.postgres.CapabilityStore;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Forgets the sequence rows of idle streams, so that {@code outbox_sequences} holds the streams in use instead of one
 * row for every aggregate the capability ever had, without giving up what the sequences promise: per stream (merchant
 * and aggregate), each event's sequence is larger than every one handed out before it, and none is handed out twice.
 * Consumers rely on that to drop redelivered events ({@code view_key_progress}); a number that went back would make
 * them drop a new event as a duplicate.
 *
 * <p>How it keeps the promise: each capability has a floor ({@code outbox_sequence_floor}). A sweep deletes a batch of
 * rows and, in the same transaction, raises the floor to at least the largest last sequence among them. A stream that
 * has no row starts at the floor plus one, read after its new row is inserted ({@code outbox_next_sequence}, migration
 * V3). So for every stream, at every commit, all sequences it was ever given are at most its row's last sequence if
 * it has a row, or at most the floor if it has none:
 *
 * <ul>
 *   <li>an append to a stream with a row takes the row's lock and the next number;
 *   <li>an append to a stream without one inserts the row; the insert returns only once no live row conflicts, so a
 *       sweep that deleted the stream's old row committed before it, with its floor; the floor is then read again,
 *       and the stream starts above it;
 *   <li>a sweep deletes only rows it locked (skipping rows an append holds), so it deletes each row's last number, and
 *       raises the floor past it before anyone can see the row gone;
 *   <li>the floor only goes up ({@code GREATEST}), and sweeps on several instances queue on its one row.
 * </ul>
 *
 * <p>None of that depends on time, so the idle horizon is not what makes it safe. It is what keeps it useful: a
 * stream's row is deleted only once no outbox row of the stream is left (all published, and purged after the relay's
 * retention) and it has not appended for {@link SequenceRetentionSettings#horizon()}. A swept stream resumes with a gap
 * (above the floor rather than at its last sequence plus one), and {@link Outbox#latest} no longer names its newest
 * event.
 *
 * <p>What consumers may rely on, and what not: sequences of a stream strictly increase in log order and never repeat;
 * they need not be dense, and a stream's first event need not be number 1.
 */
final class SequenceRetention {

    /** A point where tests hold a sweep between locking its rows and deleting them. */
    interface Faults {
        Faults NONE = keys -> {};

        void afterLockBeforeDelete(List<StreamRow> locked);
    }

    record StreamRow(String merchant, String aggregate) {}

    private final CapabilityStore store;
    private final Clock clock;
    private final Faults faults;

    SequenceRetention(CapabilityStore store, Clock clock) {
        this(store, clock, Faults.NONE);
    }

    SequenceRetention(CapabilityStore store, Clock clock, Faults faults) {
        this.store = store;
        this.clock = clock;
        this.faults = faults;
    }

    /** Forgets every stream idle past the horizon, a batch per transaction; returns how many. */
    int sweep(SequenceRetentionSettings settings) {
        Timestamp idleBefore = Timestamp.from(clock.instant().minus(settings.horizon()));
        int total = 0;
        while (!Thread.currentThread().isInterrupted()) {
            Integer swept = store.transactions().execute(status -> sweepBatch(idleBefore, settings.batchSize()));
            total += swept;
            if (swept < settings.batchSize()) {
                break;
            }
        }
        return total;
    }

    /** The capability's floor: at least the last sequence of every stream ever forgotten. */
    long floor() {
        return store.jdbc()
                .sql("SELECT floor FROM outbox_sequence_floor")
                .query(Long.class)
                .single();
    }

    private int sweepBatch(Timestamp idleBefore, int batchSize) {
        JdbcClient jdbc = store.jdbc();
        // Locked first, in a statement of their own: an append holding a row is skipped, and one that comes after
        // waits for this transaction, then finds the row gone and the floor raised.
        List<StreamRow> locked = jdbc.sql("""
                        SELECT s.merchant_id, s.aggregate_id FROM outbox_sequences s
                         WHERE s.last_appended_at < ?
                           AND NOT EXISTS (SELECT 1 FROM outbox o
                                            WHERE o.merchant_id = s.merchant_id AND o.aggregate_id = s.aggregate_id)
                         LIMIT ? FOR UPDATE OF s SKIP LOCKED""")
                .param(idleBefore)
                .param(batchSize)
                .query((rs, i) -> new StreamRow(rs.getString(1), rs.getString(2)))
                .list();
        if (locked.isEmpty()) {
            return 0;
        }
        faults.afterLockBeforeDelete(locked);
        // A new statement, so it reads the rows as last committed; they are locked, so that is their final number.
        return jdbc.sql("""
                        WITH swept AS (
                            DELETE FROM outbox_sequences s
                             USING unnest(?::text[], ?::text[]) AS l(merchant_id, aggregate_id)
                             WHERE s.merchant_id = l.merchant_id AND s.aggregate_id = l.aggregate_id
                            RETURNING s.last_sequence)
                        UPDATE outbox_sequence_floor
                           SET floor = GREATEST(floor, (SELECT max(last_sequence) FROM swept))
                        RETURNING (SELECT count(*) FROM swept)""")
                .param(locked.stream().map(StreamRow::merchant).toArray(String[]::new))
                .param(locked.stream().map(StreamRow::aggregate).toArray(String[]::new))
                .query(Integer.class)
                .single();
    }
}
