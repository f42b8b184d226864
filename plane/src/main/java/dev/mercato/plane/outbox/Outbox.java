package dev.mercato.plane.outbox;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.ConsistencyToken;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.events.Tracing;
import dev.mercato.plane.postgres.CapabilityStore;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Appends events to one capability's outbox. Every method must run inside the capability's transaction
 * (its {@link CapabilityStore#transactions()}): the event then commits or rolls back with the business
 * rows, never one without the other.
 *
 * <p>Each aggregate's events carry a sequence that strictly increases in commit order and is never handed
 * out twice, for the life of the capability: consumers drop an event whose sequence is not above the last
 * they applied for its stream. Sequences start at 1 and count up by one, except that a stream {@link
 * SequenceRetention} forgot after it went idle resumes above the capability's floor, with a gap.
 */
public final class Outbox {

    /**
     * The sequence comes from {@code outbox_next_sequence} (migration V3): the stream's row in {@code
     * outbox_sequences}, locked until this transaction ends, plus one; or, for a stream without a row (new, or
     * forgotten by {@link SequenceRetention}), one more than the capability's floor.
     *
     * <p>A stream that has a row takes the plain {@code UPDATE} in {@code hit} (the function's own first step,
     * without a PL/pgSQL call: the RelayBench writers lost 18 % to that call); only a stream without a row
     * (new, or forgotten) reaches the function. A row a sweep deletes while {@code hit} waits for it is
     * not updated, so that append also goes to the function, which reads the raised floor.
     *
     * <p>The sequence is computed in a FROM subquery (not pulled up: it calls a volatile function), not in
     * the value list, so that it has taken the stream's lock before the
     * row's position is drawn: in a value list, position (the first column) would be drawn first, and an append
     * that then waited for the stream's lock would commit a later sequence at an earlier position than the append it
     * waited for, and the relay, which publishes by position, would send the stream out of order.
     */
    private static final String APPEND = """
            WITH hit AS (
                UPDATE outbox_sequences SET last_sequence = last_sequence + 1, last_appended_at = ?
                 WHERE merchant_id = ? AND aggregate_id = ? RETURNING last_sequence)
            INSERT INTO outbox (event_id, type, merchant_id, aggregate_id, sequence, trace_id, occurred_at, payload)
            SELECT ?, ?, ?, ?, n.seq, ?, ?, ?
              FROM (SELECT coalesce((SELECT last_sequence FROM hit), outbox_next_sequence(?, ?, ?)) AS seq) AS n
            RETURNING sequence""";

    private final CapabilityStore store;
    private final String source;
    private final Clock clock;
    private final JdbcTemplate jdbc;
    private final Runnable afterCommit;

    /** An outbox nobody is told about: its relay, if any, finds new rows by polling. */
    public Outbox(CapabilityStore store, Clock clock) {
        this(store, clock, () -> {});
    }

    /** @param afterCommit runs once after each transaction that appended, once it committed (wakes the relay) */
    public Outbox(CapabilityStore store, Clock clock, Runnable afterCommit) {
        this.store = store;
        this.source = store.schema();
        this.clock = clock;
        this.jdbc = new JdbcTemplate(store.dataSource());
        this.afterCommit = afterCommit;
    }

    /**
     * One event to append: its type, tenant, aggregate and payload (serialised to JSON), and the trace of the
     * request that caused it: null for the current thread's; "" for none (a request without a trace whose
     * event is written on another request's thread, as combined writes do).
     */
    public record Draft(EventType type, MerchantId merchant, String aggregateId, Object payload, String traceId) {
        public Draft(EventType type, MerchantId merchant, String aggregateId, Object payload) {
            this(type, merchant, aggregateId, payload, null);
        }
    }

    /** The draft's own trace (possibly none), else, when it names none, the current thread's. */
    private static String traceOf(Draft draft) {
        return draft.traceId() == null ? Tracing.current() : draft.traceId();
    }

    public Appended append(EventType type, MerchantId merchant, String aggregateId, Object payload) {
        return append(new Draft(type, merchant, aggregateId, payload));
    }

    public Appended append(Draft draft) {
        requireTransaction();
        requireOwnType(draft.type());
        UUID id = UUID.randomUUID();
        Timestamp now = Timestamp.from(clock.instant());
        Long sequence = jdbc.queryForObject(
                APPEND,
                Long.class,
                now,
                draft.merchant().value(),
                draft.aggregateId(),
                id,
                draft.type().wire(),
                draft.merchant().value(),
                draft.aggregateId(),
                traceOf(draft),
                now,
                payload(draft),
                draft.merchant().value(),
                draft.aggregateId(),
                now);
        return new Appended(id, source, Event.keyOf(draft.merchant(), draft.aggregateId()), sequence);
    }

    /**
     * Appends many events in one round trip per batch; their sequences follow the list's order. Returns
     * one token per aggregate, for its last event here.
     */
    public List<ConsistencyToken> appendAll(List<Draft> drafts) {
        requireTransaction();
        List<Object[]> rows = new ArrayList<>(drafts.size());
        Timestamp now = Timestamp.from(clock.instant());
        for (Draft d : drafts) {
            requireOwnType(d.type());
            rows.add(new Object[] {
                now,
                d.merchant().value(),
                d.aggregateId(),
                UUID.randomUUID(),
                d.type().wire(),
                d.merchant().value(),
                d.aggregateId(),
                traceOf(d),
                now,
                payload(d),
                d.merchant().value(),
                d.aggregateId(),
                now
            });
        }
        jdbc.batchUpdate(APPEND.replace("\nRETURNING sequence", ""), rows);
        if (drafts.isEmpty()) {
            return List.of();
        }
        // The sequence rows are locked by this transaction, so their values are this transaction's.
        return store
                .jdbc()
                .sql("SELECT s.merchant_id, s.aggregate_id, s.last_sequence FROM outbox_sequences s"
                        + " JOIN unnest(?::text[], ?::text[]) AS d(merchant_id, aggregate_id)"
                        + " USING (merchant_id, aggregate_id)")
                .param(drafts.stream().map(d -> d.merchant().value()).toArray(String[]::new))
                .param(drafts.stream().map(Draft::aggregateId).toArray(String[]::new))
                .query((rs, i) -> new ConsistencyToken(
                        source,
                        Event.keyOf(dev.mercato.plane.MerchantId.of(rs.getString(1)), rs.getString(2)),
                        rs.getLong(3)))
                .list()
                .stream()
                .distinct()
                .toList();
    }

    /**
     * The token of the newest event appended for an aggregate, if any: for a write that did its appending
     * somewhere the caller could not see (an idempotent repeat, or another capability's call), so the
     * caller can still hand its client a token to read the change back. Empty also for an aggregate idle
     * longer than the sequence retention ({@link SequenceRetention}): its events were all published and
     * purged long before, so there is nothing left for a reader to wait for.
     */
    public Optional<ConsistencyToken> latest(dev.mercato.plane.MerchantId merchant, String aggregateId) {
        return store.jdbc()
                .sql("SELECT last_sequence FROM outbox_sequences WHERE merchant_id = ? AND aggregate_id = ?")
                .param(merchant.value())
                .param(aggregateId)
                .query(Long.class)
                .optional()
                .map(sequence -> new ConsistencyToken(source, Event.keyOf(merchant, aggregateId), sequence));
    }

    public String source() {
        return source;
    }

    private static String payload(Draft d) {
        return d.payload() instanceof String json ? json : EventJson.write(d.payload());
    }

    private void requireOwnType(EventType type) {
        if (!type.source().equals(source)) {
            throw new IllegalArgumentException(
                    "The " + source + " outbox only publishes " + source + ".* events, not " + type.wire());
        }
    }

    private void requireTransaction() {
        // Bound to this store's DataSource: a transaction on another capability's store does not count.
        if (!TransactionSynchronizationManager.hasResource(store.dataSource())) {
            throw new IllegalStateException(
                    "Outbox appends must run inside the capability's transaction (store.transactions()):"
                            + " an event written alone would be a dual write.");
        }
        // Once per transaction: after it commits, the relay is told there is something to publish.
        if (TransactionSynchronizationManager.isSynchronizationActive()
                && !TransactionSynchronizationManager.hasResource(this)) {
            TransactionSynchronizationManager.bindResource(this, Boolean.TRUE);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(Outbox.this);
                    if (status == STATUS_COMMITTED) {
                        afterCommit.run();
                    }
                }
            });
        }
    }
}
