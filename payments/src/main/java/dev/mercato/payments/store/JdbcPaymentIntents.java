package dev.mercato.payments.store;

import dev.mercato.payments.CapturedTotal;
import dev.mercato.payments.PaymentId;
import dev.mercato.payments.PaymentIntent;
import dev.mercato.payments.PaymentIntent.Status;
import dev.mercato.payments.events.PaymentAuthorized;
import dev.mercato.payments.events.PaymentCaptured;
import dev.mercato.payments.events.PaymentDeclined;
import dev.mercato.payments.events.PaymentRefunded;
import dev.mercato.payments.events.PaymentVoided;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import dev.mercato.plane.batch.Combiner;
import dev.mercato.plane.events.ConsistencyToken;
import dev.mercato.plane.events.Tracing;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.web.MoneyJson;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The payment intents table, reached only through payments' own role. Every write commits with its
 * event in the outbox, in one transaction, and every write is conditional (an insert that yields to an
 * existing row, an update from an expected status), so concurrent duplicates from several processes
 * write once.
 */
public final class JdbcPaymentIntents {

    private static final String COLUMNS = "payment_id, merchant_id, customer, amount, currency, status,"
            + " provider_reference, decline_reason, created_at, updated_at";

    private static final String INSERT = "INSERT INTO payment_intents (" + COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (payment_id) DO NOTHING RETURNING " + COLUMNS;

    private static final String TRANSITION = "UPDATE payment_intents SET status = ?, updated_at = ?"
            + " WHERE payment_id = ? AND status = ? RETURNING " + COLUMNS;

    /** The most authorizations recorded in one transaction. */
    static final int MAX_BATCH = 64;

    private final CapabilityStore store;
    private final Outbox outbox;
    private final Combiner<Authorizing, Recorded> authorizations;

    public JdbcPaymentIntents(CapabilityStore store, Outbox outbox) {
        this.store = store;
        this.outbox = outbox;
        this.authorizations = new Combiner<>(
                "payments.authorize", MAX_BATCH, this::recordAuthorizations, this::recordAuthorizationAlone);
    }

    /** The write concurrent checkouts make together: recording authorizations. */
    public List<Combiner<?, ?>> combiners() {
        return List.of(authorizations);
    }

    /** What a conditional insert did: {@code created} false means another request recorded the payment first. */
    public record Recorded(PaymentIntent intent, boolean created) {}

    /** The token of the payment's newest event (its merchant is the one the intent was recorded for). */
    public Optional<ConsistencyToken> latestEvent(PaymentId id) {
        return find(id).flatMap(i -> outbox.latest(i.merchant(), i.id().value()));
    }

    /** Payments authorized per merchant, UTC day and currency in [from, to] that were captured since. */
    public List<CapturedTotal> capturedTotals(LocalDate from, LocalDate to) {
        return store.jdbc()
                .sql("SELECT merchant_id, (created_at AT TIME ZONE 'UTC')::date AS day, currency, count(*) AS payments,"
                        + " sum(amount) AS captured FROM payment_intents WHERE status IN ('CAPTURED', 'REFUNDED')"
                        + " AND created_at >= ?::date AT TIME ZONE 'UTC' AND created_at < (?::date + 1) AT TIME ZONE 'UTC'"
                        + " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
                .params(from.toString(), to.toString())
                .query((rs, n) -> new CapturedTotal(
                        MerchantId.of(rs.getString("merchant_id")),
                        rs.getObject("day", LocalDate.class),
                        rs.getString("currency"),
                        rs.getLong("payments"),
                        rs.getBigDecimal("captured")))
                .list();
    }

    public Optional<PaymentIntent> find(PaymentId id) {
        return store.jdbc()
                .sql("SELECT " + COLUMNS + " FROM payment_intents WHERE payment_id = ?")
                .param(id.value())
                .query(JdbcPaymentIntents::intent)
                .optional();
    }

    /**
     * Records the outcome of an authorization ({@link Status#AUTHORIZED} or {@link Status#DECLINED}) with
     * its event, unless the payment is recorded already: then returns what is recorded and writes nothing.
     */
    public Recorded recordAuthorization(PaymentIntent intent) {
        if (intent.status() != Status.AUTHORIZED && intent.status() != Status.DECLINED) {
            throw new IllegalArgumentException(
                    "An authorization records AUTHORIZED or DECLINED, not " + intent.status());
        }
        // The request's trace travels with it: its batch may be written on another request's thread.
        return authorizations.write(new Authorizing(intent, Tracing.current()));
    }

    /** An authorization to record, with the trace of the request that made it. */
    private record Authorizing(PaymentIntent intent, String trace) {}

    /**
     * Records many authorizations in one transaction: one insert for all, one event for each recorded. A
     * payment recorded before (or twice in the batch) answers what is recorded, as alone.
     */
    private List<Recorded> recordAuthorizations(List<Authorizing> items) {
        List<PaymentIntent> batch = items.stream().map(Authorizing::intent).toList();
        Map<PaymentId, String> traces = new HashMap<>();
        items.forEach(a -> traces.putIfAbsent(a.intent().id(), a.trace()));
        if (batch.size() == 1) {
            return List.of(recordAuthorizationAlone(items.getFirst()));
        }
        Map<PaymentId, PaymentIntent> firsts = new LinkedHashMap<>();
        batch.forEach(i -> firsts.putIfAbsent(i.id(), i));
        // In id order: two processes recording overlapping batches take the rows in the same order.
        List<PaymentIntent> unique = firsts.values().stream()
                .sorted(java.util.Comparator.comparing(i -> i.id().value()))
                .toList();
        Map<PaymentId, PaymentIntent> recorded = new HashMap<>();
        Map<PaymentId, PaymentIntent> created = store.transactions().execute(tx -> {
            Map<PaymentId, PaymentIntent> inserted = new HashMap<>();
            store.jdbc()
                    .sql("INSERT INTO payment_intents (" + COLUMNS + ") SELECT id, m, c, a::numeric, cur, s, ref, why,"
                            + " cre, upd FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
                            + " ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[])"
                            + " AS d(id, m, c, a, cur, s, ref, why, cre, upd)"
                            + " ON CONFLICT (payment_id) DO NOTHING RETURNING " + COLUMNS)
                    .param(unique.stream().map(i -> i.id().value()).toArray(String[]::new))
                    .param(unique.stream().map(i -> i.merchant().value()).toArray(String[]::new))
                    .param(unique.stream().map(PaymentIntent::customer).toArray(String[]::new))
                    .param(unique.stream()
                            .map(i -> i.amount().amount().toPlainString())
                            .toArray(String[]::new))
                    .param(unique.stream().map(i -> i.amount().currency()).toArray(String[]::new))
                    .param(unique.stream().map(i -> i.status().name()).toArray(String[]::new))
                    .param(unique.stream()
                            .map(i -> i.providerReference().orElse(null))
                            .toArray(String[]::new))
                    .param(unique.stream()
                            .map(i -> i.declineReason().orElse(null))
                            .toArray(String[]::new))
                    .param(unique.stream().map(i -> i.createdAt().toString()).toArray(String[]::new))
                    .param(unique.stream().map(i -> i.updatedAt().toString()).toArray(String[]::new))
                    .query(JdbcPaymentIntents::intent)
                    .list()
                    .forEach(i -> inserted.put(i.id(), i));
            outbox.appendAll(unique.stream()
                    .filter(i -> inserted.containsKey(i.id()))
                    .map(i -> inserted.get(i.id()))
                    .map(i -> traced(
                            i.status() == Status.AUTHORIZED ? authorized(i, i.updatedAt()) : declined(i),
                            traces.get(i.id())))
                    .toList());
            // Read committed: a row that made the insert yield is committed, so these reads see it.
            for (PaymentIntent i : unique) {
                recorded.put(
                        i.id(),
                        inserted.containsKey(i.id())
                                ? inserted.get(i.id())
                                : find(i.id()).orElseThrow());
            }
            return inserted;
        });
        return batch.stream()
                .map(i -> new Recorded(recorded.get(i.id()), firsts.get(i.id()) == i && created.containsKey(i.id())))
                .toList();
    }

    private Recorded recordAuthorizationAlone(Authorizing a) {
        PaymentIntent intent = a.intent();
        return store.transactions().execute(tx -> {
            Optional<PaymentIntent> inserted = insert(intent);
            inserted.ifPresent(i -> outbox.append(
                    traced(i.status() == Status.AUTHORIZED ? authorized(i, i.updatedAt()) : declined(i), a.trace())));
            return recorded(intent.id(), inserted);
        });
    }

    /**
     * Records an authorization this service never learnt of and the void that released it, with both
     * events, so the payment's history reads as it happened at the provider. If the payment got recorded
     * meanwhile (by another process), returns that row instead and writes nothing.
     */
    public Recorded recordVoidOfUnrecorded(PaymentIntent voided, Instant authorizedAt) {
        if (voided.status() != Status.VOIDED) {
            throw new IllegalArgumentException("Expected a VOIDED intent, got " + voided.status());
        }
        return store.transactions().execute(tx -> {
            Optional<PaymentIntent> inserted = insert(voided);
            inserted.ifPresent(i -> outbox.appendAll(List.of(authorized(i, authorizedAt), voidedEvent(i))));
            return recorded(voided.id(), inserted);
        });
    }

    /**
     * Moves a payment from {@code from} to {@code to} with the event of {@code to}, if it is in {@code
     * from}; empty (nothing written) if it is not, e.g. because a concurrent request moved it first.
     */
    public Optional<PaymentIntent> transition(PaymentId id, Status from, Status to, Instant at) {
        return store.transactions().execute(tx -> {
            Optional<PaymentIntent> moved = store.jdbc()
                    .sql(TRANSITION)
                    .param(to.name())
                    .param(time(at))
                    .param(id.value())
                    .param(from.name())
                    .query(JdbcPaymentIntents::intent)
                    .optional();
            moved.ifPresent(i -> outbox.append(
                    switch (to) {
                        case CAPTURED ->
                            draft(
                                    i,
                                    PaymentCaptured.TYPE,
                                    new PaymentCaptured(
                                            i.id().value(),
                                            i.merchant().value(),
                                            i.customer(),
                                            MoneyJson.of(i.amount()),
                                            reference(i),
                                            i.updatedAt()));
                        case VOIDED -> voidedEvent(i);
                        case REFUNDED ->
                            draft(
                                    i,
                                    PaymentRefunded.TYPE,
                                    new PaymentRefunded(
                                            i.id().value(),
                                            i.merchant().value(),
                                            i.customer(),
                                            MoneyJson.of(i.amount()),
                                            reference(i),
                                            i.updatedAt()));
                        case AUTHORIZED, DECLINED -> throw new IllegalArgumentException("No transition leads to " + to);
                    }));
            return moved;
        });
    }

    private Optional<PaymentIntent> insert(PaymentIntent i) {
        return store.jdbc()
                .sql(INSERT)
                .param(i.id().value())
                .param(i.merchant().value())
                .param(i.customer())
                .param(i.amount().amount())
                .param(i.amount().currency())
                .param(i.status().name())
                .param(i.providerReference().orElse(null))
                .param(i.declineReason().orElse(null))
                .param(time(i.createdAt()))
                .param(time(i.updatedAt()))
                .query(JdbcPaymentIntents::intent)
                .optional();
    }

    private Recorded recorded(PaymentId id, Optional<PaymentIntent> inserted) {
        // Read committed: a row that made our insert yield is committed, so this read sees it.
        return inserted.map(i -> new Recorded(i, true)).orElseGet(() -> new Recorded(find(id).orElseThrow(), false));
    }

    private static Outbox.Draft traced(Outbox.Draft d, String trace) {
        return new Outbox.Draft(d.type(), d.merchant(), d.aggregateId(), d.payload(), trace);
    }

    private static Outbox.Draft authorized(PaymentIntent i, Instant at) {
        return draft(
                i,
                PaymentAuthorized.TYPE,
                new PaymentAuthorized(
                        i.id().value(),
                        i.merchant().value(),
                        i.customer(),
                        MoneyJson.of(i.amount()),
                        reference(i),
                        at));
    }

    private static Outbox.Draft declined(PaymentIntent i) {
        return draft(
                i,
                PaymentDeclined.TYPE,
                new PaymentDeclined(
                        i.id().value(),
                        i.merchant().value(),
                        i.customer(),
                        MoneyJson.of(i.amount()),
                        i.providerReference().orElse(null),
                        i.declineReason().orElseThrow(),
                        i.updatedAt()));
    }

    private static Outbox.Draft voidedEvent(PaymentIntent i) {
        return draft(
                i,
                PaymentVoided.TYPE,
                new PaymentVoided(
                        i.id().value(),
                        i.merchant().value(),
                        i.customer(),
                        MoneyJson.of(i.amount()),
                        reference(i),
                        i.updatedAt()));
    }

    private static Outbox.Draft draft(PaymentIntent i, dev.mercato.plane.events.EventType type, Object payload) {
        return new Outbox.Draft(type, i.merchant(), i.id().value(), payload);
    }

    private static String reference(PaymentIntent i) {
        return i.providerReference()
                .orElseThrow(() -> new IllegalStateException(i.id() + " has no provider reference"));
    }

    private static OffsetDateTime time(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }

    private static PaymentIntent intent(ResultSet rs, int row) throws SQLException {
        return new PaymentIntent(
                PaymentId.of(rs.getString("payment_id")),
                MerchantId.of(rs.getString("merchant_id")),
                rs.getString("customer"),
                new Money(rs.getBigDecimal("amount"), rs.getString("currency")),
                Status.valueOf(rs.getString("status")),
                Optional.ofNullable(rs.getString("provider_reference")),
                Optional.ofNullable(rs.getString("decline_reason")),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }
}
