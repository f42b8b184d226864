package dev.mercato.payments.provider;

import dev.mercato.payments.ProviderLedger.Entry;
import dev.mercato.payments.ProviderLedger.Kind;
import dev.mercato.payments.provider.SimulatedProvider.LedgerPage;
import dev.mercato.payments.provider.SimulatedProvider.LedgerTotal;
import dev.mercato.plane.Money;
import dev.mercato.plane.postgres.CapabilityStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The provider's state in schema {@code provider}, reached through its own role like a capability's store.
 *
 * <p>Per-key serialisation across processes: each call's transaction first takes a transaction-scoped
 * advisory lock on its key ({@code pg_advisory_xact_lock(class, hashtext(key))}), then reads the key's
 * answer. The lock lives in the server, so it serialises every process sharing the schema (two platform
 * instances in external mode); it is released by commit or rollback, also when a process dies mid-call
 * (its connection ends), and leaves no row behind for a refused request, whose key stays unspent. Two keys
 * with the same hash only wait for each other. The answers' primary key backs it: a second act on one key
 * would fail its insert and roll back whole. An answer row inserted first (before acting) would also
 * serialise, but would need deleting again whenever the provider refuses, and makes waiters depend on
 * the insert's lock rather than say what they wait for.
 */
final class PostgresProviderStore extends ProviderStore {

    static final String SCHEMA = "provider";

    /** The first key of the provider's advisory locks, apart from the kernel's ({@code 8633}). */
    private static final int LOCK_CLASS = 7411;

    private static final int FORGET_BATCH = 5_000;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {};

    private static final String HOLD_COLUMNS =
            "reference, authorization_key, amount, currency, metadata, authorized_at, state, captured, refunded";
    private static final String ENTRY_COLUMNS = "idempotency_key, kind, payment, reference, amount, currency, at";

    /** How an answer is stored: its type by a stable name, never a Java class name. */
    private enum AnswerType {
        APPROVED(AuthorizationResult.Approved.class),
        DECLINED(AuthorizationResult.Declined.class),
        CAPTURE(ProviderCapture.class),
        VOID(ProviderVoid.class),
        REFUND(ProviderRefund.class);

        final Class<?> type;

        AnswerType(Class<?> type) {
            this.type = type;
        }

        static AnswerType of(Object answer) {
            return Arrays.stream(values())
                    .filter(t -> t.type.isInstance(answer))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("Not a provider answer: " + answer));
        }
    }

    private final CapabilityStore store;
    private final IdBlocks ids;

    PostgresProviderStore(CapabilityStore store) {
        this.store = store;
        this.ids = new IdBlocks(store);
    }

    /**
     * Ids from the store's sequence, taken a block at a time: unique across processes sharing the store
     * (every block comes from the one sequence), one round trip per block instead of one per id. Ids left
     * in a block when the process stops are never used, like those of a rolled-back {@code nextval}.
     */
    private static final class IdBlocks {
        private static final int BLOCK = 64;
        private final CapabilityStore store;
        private final ArrayDeque<Long> free = new ArrayDeque<>();

        IdBlocks(CapabilityStore store) {
            this.store = store;
        }

        synchronized long next() {
            if (free.isEmpty()) {
                free.addAll(store.jdbc()
                        .sql("SELECT nextval('ids') FROM generate_series(1, ?)")
                        .param(BLOCK)
                        .query(Long.class)
                        .list());
            }
            return free.poll();
        }
    }

    @Override
    <T> T underKey(String key, Function<Transaction, T> work) {
        return store.transactions().execute(status -> {
            lock(key);
            InTransaction tx = new InTransaction();
            T result = work.apply(tx);
            tx.flush();
            return result;
        });
    }

    @Override
    List<Entry> entries() {
        return store.jdbc()
                .sql("SELECT " + ENTRY_COLUMNS + " FROM ledger ORDER BY position")
                .query(PostgresProviderStore::entry)
                .list();
    }

    @Override
    List<Entry> entries(String payment) {
        return store.jdbc()
                .sql("SELECT " + ENTRY_COLUMNS + " FROM ledger WHERE payment = ? ORDER BY position")
                .param(payment)
                .query(PostgresProviderStore::entry)
                .list();
    }

    /**
     * Positions are the ledger's own (gaps included). A transaction that booked before another but committed
     * after it may land behind a reader's position; readers after the load has stopped see everything.
     */
    @Override
    LedgerPage entriesAfter(long position, int limit) {
        record Positioned(long position, Entry entry) {}
        List<Positioned> rows = store.jdbc()
                .sql("SELECT position, " + ENTRY_COLUMNS + " FROM ledger WHERE position > ? ORDER BY position LIMIT ?")
                .param(position)
                .param(limit + 1)
                .query((rs, n) -> new Positioned(rs.getLong("position"), entry(rs, n)))
                .list();
        if (rows.size() <= limit) {
            return new LedgerPage(rows.stream().map(Positioned::entry).toList(), OptionalLong.empty());
        }
        List<Positioned> page = rows.subList(0, limit);
        return new LedgerPage(
                page.stream().map(Positioned::entry).toList(),
                OptionalLong.of(page.getLast().position()));
    }

    @Override
    List<LedgerTotal> totals() {
        return store
                .jdbc()
                .sql("SELECT kind, currency, count(*) AS entries, sum(amount) AS amount FROM ledger"
                        + " GROUP BY kind, currency")
                .query((rs, n) -> new LedgerTotal(
                        Kind.valueOf(rs.getString("kind")),
                        rs.getString("currency"),
                        rs.getLong("entries"),
                        rs.getBigDecimal("amount")))
                .list()
                .stream()
                .sorted(LedgerTotal.ORDER)
                .toList();
    }

    /** In batches, each its own transaction, so a large backlog never holds many row locks for long. */
    @Override
    int forgetAnswersBefore(Instant cutoff) {
        int forgotten = 0;
        int deleted;
        do {
            deleted = store.jdbc()
                    .sql("DELETE FROM answers WHERE idempotency_key IN (SELECT idempotency_key FROM answers"
                            + " WHERE answered_at < ? ORDER BY answered_at LIMIT ?)")
                    .param(time(cutoff))
                    .param(FORGET_BATCH)
                    .update();
            forgotten += deleted;
        } while (deleted == FORGET_BATCH);
        return forgotten;
    }

    private void lock(String key) {
        store.jdbc()
                .sql("SELECT pg_advisory_xact_lock(?, hashtext(?))")
                .param(LOCK_CLASS)
                .param(key)
                .query()
                .singleRow();
    }

    /**
     * The reads and writes of one call; every statement joins the transaction {@link #underKey} began.
     * Writes are held until the call ends or reads again, then sent as one statement (each write a
     * data-modifying CTE), so an authorization costs one round trip for its hold, ledger entry and answer
     * instead of three.
     */
    private final class InTransaction implements Transaction {

        private record Write(String sql, List<Object> params, String what) {}

        private final List<Write> pending = new ArrayList<>();

        private void write(String sql, String what, Object... params) {
            pending.add(new Write(sql, Arrays.asList(params), what));
        }

        /** Sends the held writes in one statement and checks that each touched exactly one row. */
        void flush() {
            if (pending.isEmpty()) {
                return;
            }
            StringBuilder sql = new StringBuilder("WITH ");
            List<Object> params = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                Write w = pending.get(i);
                sql.append(i == 0 ? "" : ", ")
                        .append("w")
                        .append(i)
                        .append(" AS (")
                        .append(w.sql())
                        .append(" RETURNING 1)");
                params.addAll(w.params());
            }
            sql.append(" SELECT ");
            for (int i = 0; i < pending.size(); i++) {
                sql.append(i == 0 ? "" : ", ")
                        .append("(SELECT count(*) FROM w")
                        .append(i)
                        .append(")");
            }
            List<Write> sent = List.copyOf(pending);
            pending.clear();
            store.jdbc().sql(sql.toString()).params(params).query((ResultSet rs) -> {
                for (int i = 0; i < sent.size(); i++) {
                    if (rs.getLong(i + 1) != 1) {
                        throw new IllegalStateException("No " + sent.get(i).what() + " to update");
                    }
                }
            });
        }

        @Override
        public Optional<Answered> answer(String key) {
            flush();
            return store.jdbc()
                    .sql("SELECT request, answer_type, answer, answered_at FROM answers WHERE idempotency_key = ?")
                    .param(key)
                    .query((rs, n) -> new Answered(
                            JSON.readValue(rs.getString("request"), Request.class),
                            JSON.readValue(
                                    rs.getString("answer"), AnswerType.valueOf(rs.getString("answer_type")).type),
                            instant(rs, "answered_at")))
                    .optional();
        }

        @Override
        public void remember(String key, Answered answered) {
            write(
                    "INSERT INTO answers (idempotency_key, request, answer_type, answer, answered_at)"
                            + " VALUES (?, ?::jsonb, ?, ?::jsonb, ?)",
                    "answer " + key,
                    key,
                    JSON.writeValueAsString(answered.request()),
                    AnswerType.of(answered.answer()).name(),
                    JSON.writeValueAsString(answered.answer()),
                    time(answered.at()));
        }

        @Override
        public Optional<Hold> hold(String reference) {
            flush();
            return store.jdbc()
                    .sql("SELECT " + HOLD_COLUMNS + " FROM holds WHERE reference = ? FOR UPDATE")
                    .param(reference)
                    .query(PostgresProviderStore::hold)
                    .optional();
        }

        @Override
        public Optional<Hold> heldUnder(String authorizationKey) {
            // An authorization under that key commits with its key's lock held: waiting for the lock is
            // waiting for it to end.
            flush();
            lock(authorizationKey);
            return store.jdbc()
                    .sql("SELECT " + HOLD_COLUMNS + " FROM holds WHERE authorization_key = ?"
                            + " ORDER BY hold_order DESC LIMIT 1 FOR UPDATE")
                    .param(authorizationKey)
                    .query(PostgresProviderStore::hold)
                    .optional();
        }

        @Override
        public void insert(Hold hold) {
            write(
                    "INSERT INTO holds (" + HOLD_COLUMNS + ") VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)",
                    "hold " + hold.reference(),
                    hold.reference(),
                    hold.authorizationKey(),
                    hold.amount().amount(),
                    hold.amount().currency(),
                    JSON.writeValueAsString(hold.metadata()),
                    time(hold.at()),
                    hold.state().name(),
                    hold.captured() == null ? null : hold.captured().amount(),
                    hold.refunded());
        }

        @Override
        public void update(Hold hold) {
            write(
                    "UPDATE holds SET state = ?, captured = ?, refunded = ? WHERE reference = ?",
                    "hold " + hold.reference(),
                    hold.state().name(),
                    hold.captured() == null ? null : hold.captured().amount(),
                    hold.refunded(),
                    hold.reference());
        }

        @Override
        public void book(Entry entry) {
            write(
                    "INSERT INTO ledger (" + ENTRY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                    "ledger entry " + entry.idempotencyKey(),
                    entry.idempotencyKey(),
                    entry.kind().name(),
                    entry.payment(),
                    entry.reference(),
                    entry.amount().amount(),
                    entry.amount().currency(),
                    time(entry.at()));
        }

        @Override
        public String nextId(String prefix) {
            return SimulatedProvider.id(prefix, ids.next());
        }
    }

    private static Hold hold(ResultSet rs, int row) throws SQLException {
        String currency = rs.getString("currency");
        var captured = rs.getBigDecimal("captured");
        return new Hold(
                rs.getString("reference"),
                rs.getString("authorization_key"),
                new Money(rs.getBigDecimal("amount"), currency),
                JSON.readValue(rs.getString("metadata"), METADATA),
                instant(rs, "authorized_at"),
                Hold.State.valueOf(rs.getString("state")),
                captured == null ? null : new Money(captured, currency),
                rs.getBigDecimal("refunded"));
    }

    private static Entry entry(ResultSet rs, int row) throws SQLException {
        return new Entry(
                rs.getString("idempotency_key"),
                Kind.valueOf(rs.getString("kind")),
                rs.getString("payment"),
                rs.getString("reference"),
                new Money(rs.getBigDecimal("amount"), rs.getString("currency")),
                instant(rs, "at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static OffsetDateTime time(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
