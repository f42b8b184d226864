package dev.mercato.orders.store;

import dev.mercato.catalog.Sku;
import dev.mercato.customers.CustomerId;
import dev.mercato.orders.CheckoutResponse;
import dev.mercato.orders.DailyTotal;
import dev.mercato.orders.Order;
import dev.mercato.orders.Order.StatusChange;
import dev.mercato.orders.OrderId;
import dev.mercato.orders.OrderLine;
import dev.mercato.orders.OrderMove;
import dev.mercato.orders.OrderStatus;
import dev.mercato.orders.OrderUpdate;
import dev.mercato.orders.events.CheckoutFailed;
import dev.mercato.orders.events.CheckoutStarted;
import dev.mercato.orders.events.MoneyLine;
import dev.mercato.orders.events.OrderPlaced;
import dev.mercato.orders.events.OrderStatusChanged;
import dev.mercato.orders.events.ShipToRegion;
import dev.mercato.orders.store.CheckoutRecord.State;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.batch.Combiner;
import dev.mercato.plane.events.ConsistencyToken;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.Tracing;
import dev.mercato.plane.outbox.Appended;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.web.MoneyJson;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Checkouts and orders, reached only through the orders role. */
public final class JdbcOrders {

    private static final String CHECKOUT_COLUMNS = "id, customer_id, idempotency_key, fingerprint, plan::text AS plan,"
            + " state, response_status, response_body, response_token, attempts";
    private static final String ORDER_COLUMNS = "id, merchant_id, customer_id, status, currency, subtotal, total,"
            + " ship_to::text AS ship_to, version, placed_at, updated_at";

    /** The most checkouts recorded or orders placed in one transaction. */
    static final int MAX_BATCH = 64;

    private final CapabilityStore store;
    private final Outbox outbox;
    private final Clock clock;
    private final Combiner<Starting, Boolean> starting =
            new Combiner<>("orders.record", MAX_BATCH, this::startAll, this::startOne);
    private final Combiner<Placing, Optional<ConsistencyToken>> placing =
            new Combiner<>("orders.place", MAX_BATCH, this::placeAll, this::placeOne);

    public JdbcOrders(CapabilityStore store, Outbox outbox, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** The writes concurrent checkouts make together: recording checkouts and placing orders. */
    public List<Combiner<?, ?>> combiners() {
        return List.of(starting, placing);
    }

    // ---- checkouts ----

    public Optional<CheckoutRecord> checkout(String customer, String idempotencyKey) {
        return store.jdbc()
                .sql("SELECT " + CHECKOUT_COLUMNS + " FROM checkouts WHERE customer_id = ? AND idempotency_key = ?")
                .params(customer, idempotencyKey)
                .query(JdbcOrders::checkout)
                .optional();
    }

    public Optional<CheckoutRecord> checkout(OrderId id) {
        return store.jdbc()
                .sql("SELECT " + CHECKOUT_COLUMNS + " FROM checkouts WHERE id = ?")
                .param(id.value())
                .query(JdbcOrders::checkout)
                .optional();
    }

    /**
     * Records a new checkout with its {@code checkout-started} event. False when this customer already
     * used the key (another request, perhaps concurrent, recorded it first).
     */
    public boolean start(OrderId id, String customer, String key, String fingerprint, Plan plan, Duration lease) {
        // The request's trace travels with it: its batch may be written on another request's thread.
        return starting.write(new Starting(id, customer, key, fingerprint, plan, lease, Tracing.current()));
    }

    /** A checkout to record: {@link #start}'s arguments. */
    private record Starting(
            OrderId id, String customer, String key, String fingerprint, Plan plan, Duration lease, String trace) {}

    /**
     * Records many checkouts in one transaction: one insert for all, then one {@code checkout-started} event
     * for each that was new. A key used twice in the batch is recorded by its first; the others answer
     * false, like a key recorded before. A cart checked out twice in the batch (under two keys) breaks the
     * one-live-checkout-per-cart index: the batch fails on its data, and each is then recorded alone, so the
     * second gets its own duplicate-key refusal.
     */
    private List<Boolean> startAll(List<Starting> batch) {
        if (batch.size() == 1) {
            return List.of(startOne(batch.getFirst()));
        }
        Instant now = clock.instant();
        Map<List<String>, Starting> firsts = new LinkedHashMap<>();
        batch.forEach(s -> firsts.putIfAbsent(List.of(s.customer(), s.key()), s));
        // In key order: two processes recording overlapping batches take the index entries in the same order.
        List<Starting> unique = firsts.values().stream()
                .sorted(Comparator.comparing(Starting::customer).thenComparing(Starting::key))
                .toList();
        Set<String> recorded = store.transactions().execute(status -> {
            Set<String> inserted = new HashSet<>(store.jdbc()
                    .sql("INSERT INTO checkouts (id, customer_id, idempotency_key, fingerprint, merchant_id, cart_id,"
                            + " plan, state, lease_until, created_at, updated_at)"
                            + " SELECT id, c, k, f, m, cart, p::jsonb, 'started', lease::timestamptz, ?, ?"
                            + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
                            + " ?::text[]) AS d(id, c, k, f, m, cart, p, lease)"
                            + " ON CONFLICT (customer_id, idempotency_key) DO NOTHING RETURNING id")
                    .param(at(now))
                    .param(at(now))
                    .param(unique.stream().map(s -> s.id().value()).toArray(String[]::new))
                    .param(unique.stream().map(Starting::customer).toArray(String[]::new))
                    .param(unique.stream().map(Starting::key).toArray(String[]::new))
                    .param(unique.stream().map(Starting::fingerprint).toArray(String[]::new))
                    .param(unique.stream().map(s -> s.plan().merchant()).toArray(String[]::new))
                    .param(unique.stream().map(s -> s.plan().cartId()).toArray(String[]::new))
                    .param(unique.stream().map(s -> EventJson.write(s.plan())).toArray(String[]::new))
                    .param(unique.stream()
                            .map(s -> now.plus(s.lease()).toString())
                            .toArray(String[]::new))
                    .query(String.class)
                    .list());
            List<Outbox.Draft> events = unique.stream()
                    .filter(s -> inserted.contains(s.id().value()))
                    .map(s -> new Outbox.Draft(
                            CheckoutStarted.TYPE,
                            s.plan().merchantId(),
                            s.id().value(),
                            started(s.id(), s.plan(), now),
                            s.trace()))
                    .toList();
            outbox.appendAll(events);
            return inserted;
        });
        return batch.stream()
                .map(s -> firsts.get(List.of(s.customer(), s.key())) == s && recorded.contains(s.id().value()))
                .toList();
    }

    private static CheckoutStarted started(OrderId id, Plan plan, Instant now) {
        return new CheckoutStarted(
                id.value(),
                plan.merchant(),
                plan.customer(),
                plan.cartId(),
                MoneyJson.of(plan.totalMoney()),
                plan.itemCount(),
                now);
    }

    private boolean startOne(Starting s) {
        OrderId id = s.id();
        Plan plan = s.plan();
        Instant now = clock.instant();
        return Boolean.TRUE.equals(store.transactions().execute(status -> {
            int inserted = store.jdbc()
                    .sql("INSERT INTO checkouts (id, customer_id, idempotency_key, fingerprint, merchant_id, cart_id,"
                            + " plan, state, lease_until, created_at, updated_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, 'started', ?, ?, ?)"
                            + " ON CONFLICT (customer_id, idempotency_key) DO NOTHING")
                    .params(
                            id.value(),
                            s.customer(),
                            s.key(),
                            s.fingerprint(),
                            plan.merchant(),
                            plan.cartId(),
                            EventJson.write(plan),
                            at(now.plus(s.lease())),
                            at(now),
                            at(now))
                    .update();
            if (inserted == 0) {
                return false;
            }
            outbox.append(new Outbox.Draft(
                    CheckoutStarted.TYPE, plan.merchantId(), id.value(), started(id, plan, now), s.trace()));
            return true;
        }));
    }

    /**
     * Decides a refusal: stores the answer and the {@code checkout-failed} event. With {@code undo} the
     * checkout waits in {@code compensating} until {@link #compensated}; without, it is failed at once.
     * False when the checkout was decided already (by a concurrent run).
     */
    public boolean refuse(CheckoutRecord c, CheckoutResponse response, String reason, boolean undo) {
        Instant now = clock.instant();
        return Boolean.TRUE.equals(store.transactions().execute(status -> {
            int updated = store.jdbc()
                    .sql("UPDATE checkouts SET state = ?, response_status = ?, response_body = ?, updated_at = ?"
                            + " WHERE id = ? AND state = 'started'")
                    .params(
                            undo ? "compensating" : "failed",
                            response.status(),
                            response.body(),
                            at(now),
                            c.id().value())
                    .update();
            if (updated == 0) {
                return false;
            }
            Plan plan = c.plan();
            outbox.append(
                    CheckoutFailed.TYPE,
                    plan.merchantId(),
                    c.id().value(),
                    new CheckoutFailed(c.id().value(), plan.merchant(), plan.customer(), plan.cartId(), reason, now));
            return true;
        }));
    }

    public void compensated(OrderId id) {
        store.jdbc()
                .sql("UPDATE checkouts SET state = 'failed', updated_at = ? WHERE id = ? AND state = 'compensating'")
                .params(at(clock.instant()), id.value())
                .update();
    }

    public void noteError(OrderId id, String error) {
        store.jdbc()
                .sql("UPDATE checkouts SET last_error = ?, updated_at = ? WHERE id = ?")
                .params(clip(error), at(clock.instant()), id.value())
                .update();
    }

    /**
     * Claims unfinished checkouts whose lease ran out (their request died with its process), extending the
     * lease so no other instance takes them meanwhile.
     */
    public List<CheckoutRecord> claimUnfinished(Duration lease, int limit) {
        Instant now = clock.instant();
        return store.transactions()
                .execute(status -> store.jdbc()
                        .sql("UPDATE checkouts SET lease_until = ?, attempts = attempts + 1 WHERE id IN ("
                                + " SELECT id FROM checkouts WHERE state IN ('started', 'compensating') AND lease_until < ?"
                                + " ORDER BY lease_until LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING " + CHECKOUT_COLUMNS)
                        .params(at(now.plus(lease)), at(now), limit)
                        .query(JdbcOrders::checkout)
                        .list());
    }

    // ---- orders ----

    /**
     * Places the order in one transaction: its rows, its first transition, its {@code order-placed} event and
     * the checkout's stored answer. Placing an order already placed (a concurrent recovery) changes nothing
     * and answers empty; otherwise the answer is the token of the {@code order-placed} event.
     */
    public Optional<ConsistencyToken> place(CheckoutRecord c, Instant now, CheckoutResponse response) {
        return placing.write(new Placing(c, now, response, Tracing.current()));
    }

    /** An order to place: {@link #place}'s arguments. */
    private record Placing(CheckoutRecord checkout, Instant now, CheckoutResponse response, String trace) {}

    /**
     * Places many orders in one transaction, a statement per table for all of them: the orders (those not
     * placed before), their lines, their first transitions, their events, the checkouts' answers. A checkout
     * twice in the batch (its run and its recovery at once) is placed by its first; the other answers empty,
     * like any repeat.
     */
    private List<Optional<ConsistencyToken>> placeAll(List<Placing> batch) {
        if (batch.size() == 1) {
            return List.of(placeOne(batch.getFirst()));
        }
        Map<String, Placing> firsts = new LinkedHashMap<>();
        batch.forEach(p -> firsts.putIfAbsent(p.checkout().id().value(), p));
        // In id order: two processes placing overlapping batches (a run and its recovery) lock in the same order.
        List<Placing> unique = firsts.values().stream()
                .sorted(Comparator.comparing(p -> p.checkout().id().value()))
                .toList();
        Map<String, ConsistencyToken> tokens = store.transactions().execute(status -> {
            JdbcClient tx = store.jdbc();
            Set<String> inserted = new HashSet<>(tx.sql("INSERT INTO orders (id, merchant_id, customer_id, status,"
                            + " currency, subtotal, total, ship_to, placed_at, updated_at)"
                            + " SELECT id, m, c, 'placed', cur, sub::numeric, tot::numeric, ship::jsonb, at, at"
                            + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
                            + " ?::timestamptz[]) AS d(id, m, c, cur, sub, tot, ship, at)"
                            + " ON CONFLICT (id) DO NOTHING RETURNING id")
                    .param(unique.stream().map(p -> p.checkout().id().value()).toArray(String[]::new))
                    .param(unique.stream()
                            .map(p -> p.checkout().plan().merchant())
                            .toArray(String[]::new))
                    .param(unique.stream()
                            .map(p -> p.checkout().plan().customer())
                            .toArray(String[]::new))
                    .param(unique.stream()
                            .map(p -> p.checkout().plan().currency())
                            .toArray(String[]::new))
                    .param(unique.stream()
                            .map(p -> p.checkout().plan().subtotal())
                            .toArray(String[]::new))
                    .param(unique.stream().map(p -> p.checkout().plan().total()).toArray(String[]::new))
                    .param(unique.stream()
                            .map(p -> p.checkout().plan().shipTo() == null
                                    ? null
                                    : EventJson.write(p.checkout().plan().shipTo()))
                            .toArray(String[]::new))
                    .param(unique.stream().map(p -> p.now().toString()).toArray(String[]::new))
                    .query(String.class)
                    .list());
            List<Placing> placed = unique.stream()
                    .filter(p -> inserted.contains(p.checkout().id().value()))
                    .toList();
            if (placed.isEmpty()) {
                return Map.<String, ConsistencyToken>of();
            }
            List<Object[]> lines = new ArrayList<>();
            for (Placing p : placed) {
                List<OrderLine> orderLines = p.checkout().plan().orderLines();
                for (int n = 0; n < orderLines.size(); n++) {
                    OrderLine l = orderLines.get(n);
                    lines.add(new Object[] {
                        p.checkout().id().value(),
                        n + 1,
                        l.sku().value(),
                        l.title(),
                        l.category(),
                        l.quantity(),
                        l.unitPrice().amount().toPlainString(),
                        l.lineTotal().amount().toPlainString()
                    });
                }
            }
            tx.sql("INSERT INTO order_lines (order_id, line_no, sku, title, category, quantity, unit_price,"
                            + " line_total) SELECT o, n, sku, title, category, quantity, unit_price::numeric,"
                            + " line_total::numeric FROM unnest(?::text[], ?::int[], ?::text[], ?::text[], ?::text[],"
                            + " ?::int[], ?::text[], ?::text[]) AS d(o, n, sku, title, category, quantity, unit_price,"
                            + " line_total)")
                    .param(lines.stream().map(r -> (String) r[0]).toArray(String[]::new))
                    .param(lines.stream().map(r -> (Integer) r[1]).toArray(Integer[]::new))
                    .param(lines.stream().map(r -> (String) r[2]).toArray(String[]::new))
                    .param(lines.stream().map(r -> (String) r[3]).toArray(String[]::new))
                    .param(lines.stream().map(r -> (String) r[4]).toArray(String[]::new))
                    .param(lines.stream().map(r -> (Integer) r[5]).toArray(Integer[]::new))
                    .param(lines.stream().map(r -> (String) r[6]).toArray(String[]::new))
                    .param(lines.stream().map(r -> (String) r[7]).toArray(String[]::new))
                    .update();
            tx.sql("INSERT INTO order_transitions (order_id, seq, from_status, to_status, actor, reason, at)"
                            + " SELECT o, 1, NULL, ?, 'checkout', '', at FROM unnest(?::text[], ?::timestamptz[])"
                            + " AS d(o, at)")
                    .param(OrderStatus.PLACED.wire())
                    .param(placed.stream().map(p -> p.checkout().id().value()).toArray(String[]::new))
                    .param(placed.stream().map(p -> p.now().toString()).toArray(String[]::new))
                    .update();
            List<ConsistencyToken> appended = outbox.appendAll(placed.stream()
                    .map(p -> new Outbox.Draft(
                            OrderPlaced.TYPE,
                            p.checkout().plan().merchantId(),
                            p.checkout().id().value(),
                            placed(
                                    p.checkout().id(),
                                    p.checkout().plan(),
                                    p.checkout().plan().orderLines(),
                                    p.now()),
                            p.trace()))
                    .toList());
            Map<String, ConsistencyToken> byKey =
                    appended.stream().collect(Collectors.toMap(ConsistencyToken::key, t -> t, (a, b) -> a));
            Map<String, ConsistencyToken> byOrder = new HashMap<>();
            for (Placing p : placed) {
                String id = p.checkout().id().value();
                byOrder.put(id, byKey.get(Event.keyOf(p.checkout().plan().merchantId(), id)));
            }
            tx.sql(
                            "UPDATE checkouts c SET state = 'placed', response_status = d.s, response_body = d.b,"
                                    + " response_token = d.t, updated_at = d.at FROM unnest(?::text[], ?::int[], ?::text[],"
                                    + " ?::text[], ?::timestamptz[]) AS d(id, s, b, t, at) WHERE c.id = d.id AND c.state = 'started'")
                    .param(placed.stream().map(p -> p.checkout().id().value()).toArray(String[]::new))
                    .param(placed.stream().map(p -> p.response().status()).toArray(Integer[]::new))
                    .param(placed.stream().map(p -> p.response().body()).toArray(String[]::new))
                    .param(placed.stream()
                            .map(p -> byOrder.get(p.checkout().id().value()).encode())
                            .toArray(String[]::new))
                    .param(placed.stream().map(p -> p.now().toString()).toArray(String[]::new))
                    .update();
            return byOrder;
        });
        return batch.stream()
                .map(p -> firsts.get(p.checkout().id().value()) == p
                        ? Optional.ofNullable(tokens.get(p.checkout().id().value()))
                        : Optional.<ConsistencyToken>empty())
                .toList();
    }

    private Optional<ConsistencyToken> placeOne(Placing p) {
        CheckoutRecord c = p.checkout();
        Instant now = p.now();
        CheckoutResponse response = p.response();
        Plan plan = c.plan();
        return store.transactions().execute(status -> {
            int inserted = store.jdbc()
                    .sql("INSERT INTO orders (id, merchant_id, customer_id, status, currency, subtotal, total, ship_to,"
                            + " placed_at, updated_at) VALUES (?, ?, ?, 'placed', ?, ?::numeric, ?::numeric, ?::jsonb, ?, ?)"
                            + " ON CONFLICT (id) DO NOTHING")
                    .params(
                            c.id().value(),
                            plan.merchant(),
                            plan.customer(),
                            plan.currency(),
                            plan.subtotal(),
                            plan.total(),
                            plan.shipTo() == null ? null : EventJson.write(plan.shipTo()),
                            at(now),
                            at(now))
                    .update();
            if (inserted == 0) {
                return Optional.<ConsistencyToken>empty();
            }
            List<OrderLine> lines = plan.orderLines();
            store.jdbc()
                    .sql(
                            "INSERT INTO order_lines (order_id, line_no, sku, title, category, quantity, unit_price,"
                                    + " line_total) SELECT ?, n, sku, title, category, quantity, unit_price::numeric,"
                                    + " line_total::numeric FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::text[],"
                                    + " ?::text[]) WITH ORDINALITY AS d(sku, title, category, quantity, unit_price, line_total, n)")
                    .param(c.id().value())
                    .param(lines.stream().map(l -> l.sku().value()).toArray(String[]::new))
                    .param(lines.stream().map(OrderLine::title).toArray(String[]::new))
                    .param(lines.stream().map(OrderLine::category).toArray(String[]::new))
                    .param(lines.stream().map(OrderLine::quantity).toArray(Integer[]::new))
                    .param(lines.stream()
                            .map(l -> l.unitPrice().amount().toPlainString())
                            .toArray(String[]::new))
                    .param(lines.stream()
                            .map(l -> l.lineTotal().amount().toPlainString())
                            .toArray(String[]::new))
                    .update();
            recordTransition(store.jdbc(), c.id(), 1, null, OrderStatus.PLACED, "checkout", "", now);
            Appended event = outbox.append(new Outbox.Draft(
                    OrderPlaced.TYPE, plan.merchantId(), c.id().value(), placed(c.id(), plan, lines, now), p.trace()));
            store.jdbc()
                    .sql("UPDATE checkouts SET state = 'placed', response_status = ?, response_body = ?,"
                            + " response_token = ?, updated_at = ? WHERE id = ? AND state = 'started'")
                    .params(response.status(), response.body(), event.token().encode(), at(now), c.id().value())
                    .update();
            return Optional.of(event.token());
        });
    }

    private static OrderPlaced placed(OrderId id, Plan plan, List<OrderLine> lines, Instant now) {
        return new OrderPlaced(
                id.value(),
                plan.merchant(),
                plan.customer(),
                plan.cartId(),
                lines.stream()
                        .map(l -> new MoneyLine(
                                l.sku().value(),
                                l.title(),
                                l.category(),
                                l.quantity(),
                                MoneyJson.of(l.unitPrice()),
                                MoneyJson.of(l.lineTotal())))
                        .toList(),
                MoneyJson.of(plan.subtotalMoney()),
                MoneyJson.of(plan.totalMoney()),
                plan.itemCount(),
                plan.shipTo() == null
                        ? null
                        : new ShipToRegion(
                                plan.shipTo().country(),
                                plan.shipTo().postalCode(),
                                plan.shipTo().city()),
                now);
    }

    // ---- moves ----

    private static final String MOVE_COLUMNS = "order_id, move_id, from_status, to_status, actor, reason, started_at,"
            + " lease_until, attempts, last_error";

    /** What a decision asks for: the status to move to, and why (the transition's reason). */
    public record Decided(OrderStatus to, String reason) {}

    /** What {@link #begin} found or did. */
    public sealed interface Begun {
        /** The decision was to move; this move is now the order's, and its caller drives it. */
        record Started(OrderMove move) implements Begun {}

        /** Another move of the order is in flight: nothing was decided. */
        record Busy(OrderMove move) implements Begun {}

        /** The decision was that there is nothing to do (the order is where it was asked to be). */
        record Unchanged(OrderStatus status) implements Begun {}
    }

    /**
     * Decides a move under the order's row lock: when no move is in flight, {@code decide} is given the
     * order's status and either asks for a move (recorded here, with a lease), answers that there is
     * nothing to do, or throws to refuse (nothing is written). The lock makes deciding and finishing moves
     * of one order take turns, so a decision always sees the status the last finished move left.
     */
    public Begun begin(OrderId id, Function<OrderStatus, Optional<Decided>> decide, String actor, Duration lease) {
        Instant now = clock.instant();
        return store.transactions().execute(status -> {
            OrderStatus current = store.jdbc()
                    .sql("SELECT status FROM orders WHERE id = ? FOR UPDATE")
                    .param(id.value())
                    .query((rs, i) -> OrderStatus.parse(rs.getString(1)))
                    .optional()
                    .orElseThrow(() -> new NotFound("order", id.value()));
            Optional<OrderMove> inFlight = moveOf(id);
            if (inFlight.isPresent()) {
                return new Begun.Busy(inFlight.get());
            }
            Optional<Decided> decided = decide.apply(current);
            if (decided.isEmpty()) {
                return new Begun.Unchanged(current);
            }
            OrderMove move = new OrderMove(
                    id,
                    UUID.randomUUID().toString(),
                    current,
                    decided.get().to(),
                    actor,
                    decided.get().reason(),
                    now,
                    now.plus(lease),
                    1,
                    "");
            store.jdbc()
                    .sql("INSERT INTO order_moves (" + MOVE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(
                            id.value(),
                            move.id(),
                            move.from().wire(),
                            move.to().wire(),
                            actor,
                            move.reason(),
                            at(now),
                            at(move.leaseUntil()),
                            1,
                            "")
                    .update();
            return new Begun.Started(move);
        });
    }

    /**
     * Finishes a move whose effects are all done: the move row goes, and the status, the transition row
     * and the {@code order-status-changed} event are written, in one transaction. Empty when the move is
     * not in flight any more (another driver finished it first).
     */
    public Optional<OrderUpdate> complete(OrderMove move) {
        Instant now = clock.instant();
        return store.transactions().execute(status -> {
            int deleted = store.jdbc()
                    .sql("DELETE FROM order_moves WHERE order_id = ? AND move_id = ?")
                    .params(move.order().value(), move.id())
                    .update();
            if (deleted == 0) {
                return Optional.<OrderUpdate>empty();
            }
            record Moved(String merchant, String customer, long version) {}
            Moved m = store.jdbc()
                    .sql(
                            "UPDATE orders SET status = ?, version = version + 1, updated_at = ? WHERE id = ? AND status = ?"
                                    + " RETURNING merchant_id, customer_id, version")
                    .params(
                            move.to().wire(),
                            at(now),
                            move.order().value(),
                            move.from().wire())
                    .query((rs, i) -> new Moved(rs.getString(1), rs.getString(2), rs.getLong(3)))
                    .optional()
                    .orElseThrow(() -> new IllegalStateException("Order " + move.order() + " left " + move.from()
                            + " while its move " + move.id() + " held it"));
            int seq = store.jdbc()
                    .sql("SELECT coalesce(max(seq), 0) + 1 FROM order_transitions WHERE order_id = ?")
                    .param(move.order().value())
                    .query(Integer.class)
                    .single();
            recordTransition(store.jdbc(), move.order(), seq, move.from(), move.to(), move.actor(), move.reason(), now);
            Appended event = outbox.append(
                    OrderStatusChanged.TYPE,
                    MerchantId.of(m.merchant()),
                    move.order().value(),
                    new OrderStatusChanged(
                            move.order().value(),
                            m.merchant(),
                            m.customer(),
                            move.from().wire(),
                            move.to().wire(),
                            move.reason(),
                            m.version(),
                            now));
            return find(move.order()).map(o -> new OrderUpdate(o, List.of(event.token())));
        });
    }

    /** Drops a move that changed nothing (its first effect was refused). False when it was not in flight. */
    public boolean abandon(OrderMove move) {
        return store.jdbc()
                        .sql("DELETE FROM order_moves WHERE order_id = ? AND move_id = ?")
                        .params(move.order().value(), move.id())
                        .update()
                == 1;
    }

    /** Notes why an attempt at a move did not finish it, for operators and the consistency check. */
    public void noteMoveError(OrderMove move, String error) {
        store.jdbc()
                .sql("UPDATE order_moves SET last_error = ? WHERE order_id = ? AND move_id = ?")
                .params(clip(error), move.order().value(), move.id())
                .update();
    }

    public Optional<ConsistencyToken> latestEvent(Order order) {
        return outbox.latest(order.merchant(), order.id().value());
    }

    public Optional<OrderMove> moveOf(OrderId id) {
        return store.jdbc()
                .sql("SELECT " + MOVE_COLUMNS + " FROM order_moves WHERE order_id = ?")
                .param(id.value())
                .query(JdbcOrders::move)
                .optional();
    }

    /** Moves in flight, oldest first. */
    public List<OrderMove> moves(int limit) {
        return store.jdbc()
                .sql("SELECT " + MOVE_COLUMNS + " FROM order_moves ORDER BY started_at, order_id LIMIT ?")
                .param(limit)
                .query(JdbcOrders::move)
                .list();
    }

    /**
     * Takes up a move whose lease ran out (its request died, or is stuck), extending the lease so no one
     * else takes it meanwhile. Empty when it finished, or its lease has not run out, or another took it.
     */
    public Optional<OrderMove> takeOver(OrderMove move, Duration lease) {
        Instant now = clock.instant();
        return store.jdbc()
                .sql("UPDATE order_moves SET lease_until = ?, attempts = attempts + 1"
                        + " WHERE order_id = ? AND move_id = ? AND lease_until < ? RETURNING " + MOVE_COLUMNS)
                .params(at(now.plus(lease)), move.order().value(), move.id(), at(now))
                .query(JdbcOrders::move)
                .optional();
    }

    /** Claims moves whose lease ran out, as {@link #claimUnfinished} does for checkouts. */
    public List<OrderMove> claimStalledMoves(Duration lease, int limit) {
        Instant now = clock.instant();
        return store.transactions()
                .execute(status -> store.jdbc()
                        .sql("UPDATE order_moves SET lease_until = ?, attempts = attempts + 1 WHERE order_id IN ("
                                + " SELECT order_id FROM order_moves WHERE lease_until < ? ORDER BY lease_until LIMIT ?"
                                + " FOR UPDATE SKIP LOCKED) RETURNING " + MOVE_COLUMNS)
                        .params(at(now.plus(lease)), at(now), limit)
                        .query(JdbcOrders::move)
                        .list());
    }

    private static OrderMove move(ResultSet rs, int row) throws SQLException {
        return new OrderMove(
                OrderId.of(rs.getString("order_id")),
                rs.getString("move_id"),
                OrderStatus.parse(rs.getString("from_status")),
                OrderStatus.parse(rs.getString("to_status")),
                rs.getString("actor"),
                rs.getString("reason"),
                rs.getTimestamp("started_at").toInstant(),
                rs.getTimestamp("lease_until").toInstant(),
                rs.getInt("attempts"),
                rs.getString("last_error"));
    }

    private static void recordTransition(
            JdbcClient jdbc,
            OrderId id,
            int seq,
            OrderStatus from,
            OrderStatus to,
            String actor,
            String reason,
            Instant at) {
        jdbc.sql("INSERT INTO order_transitions (order_id, seq, from_status, to_status, actor, reason, at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(id.value(), seq, from == null ? null : from.wire(), to.wire(), actor, reason, at(at))
                .update();
    }

    public Optional<Order> find(OrderId id) {
        return page("WHERE id = ?", List.of(id.value()), Optional.empty(), 1).stream()
                .findFirst();
    }

    public List<Order> byCustomer(CustomerId customer, Optional<OrderId> after, int limit) {
        return page("WHERE customer_id = ?", List.of(customer.value()), after, limit);
    }

    public List<Order> byMerchant(MerchantId merchant, Optional<OrderId> after, int limit) {
        return page("WHERE merchant_id = ?", List.of(merchant.value()), after, limit);
    }

    /** Orders placed per merchant, UTC day and currency, in [from, to]. */
    public List<DailyTotal> dailyTotals(LocalDate from, LocalDate to) {
        return store.jdbc()
                .sql("SELECT merchant_id, (placed_at AT TIME ZONE 'UTC')::date AS day, currency, count(*) AS orders,"
                        + " sum(total) AS total FROM orders"
                        + " WHERE placed_at >= ?::date AT TIME ZONE 'UTC' AND placed_at < (?::date + 1) AT TIME ZONE 'UTC'"
                        + " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
                .params(from.toString(), to.toString())
                .query((rs, n) -> new DailyTotal(
                        MerchantId.of(rs.getString("merchant_id")),
                        rs.getObject("day", LocalDate.class),
                        rs.getString("currency").strip(),
                        rs.getLong("orders"),
                        rs.getBigDecimal("total")))
                .list();
    }

    public List<Order> all(Optional<OrderId> after, int limit) {
        return page("WHERE true", List.of(), after, limit);
    }

    private record Head(
            OrderId id,
            MerchantId merchant,
            CustomerId customer,
            OrderStatus status,
            String currency,
            Money subtotal,
            Money total,
            String shipTo,
            long version,
            Instant placedAt,
            Instant updatedAt) {}

    /** Orders newest first, with their lines and history read in two more statements for the whole page. */
    private List<Order> page(String where, List<Object> params, Optional<OrderId> after, int limit) {
        List<Object> all = new ArrayList<>(params);
        after.ifPresent(a -> all.add(a.value()));
        all.add(limit);
        List<Head> heads = store.jdbc()
                .sql("SELECT " + ORDER_COLUMNS + " FROM orders " + where + (after.isPresent() ? " AND id < ?" : "")
                        + " ORDER BY id DESC LIMIT ?")
                .params(all.toArray())
                .query((rs, i) -> {
                    String currency = rs.getString("currency").strip();
                    return new Head(
                            OrderId.of(rs.getString("id")),
                            MerchantId.of(rs.getString("merchant_id")),
                            CustomerId.of(rs.getString("customer_id")),
                            OrderStatus.parse(rs.getString("status")),
                            currency,
                            new Money(rs.getBigDecimal("subtotal"), currency),
                            new Money(rs.getBigDecimal("total"), currency),
                            rs.getString("ship_to"),
                            rs.getLong("version"),
                            rs.getTimestamp("placed_at").toInstant(),
                            rs.getTimestamp("updated_at").toInstant());
                })
                .list();
        if (heads.isEmpty()) {
            return List.of();
        }
        String[] ids = heads.stream().map(h -> h.id().value()).toArray(String[]::new);
        Map<String, String> currencies = heads.stream().collect(Collectors.toMap(h -> h.id().value(), Head::currency));
        Map<String, List<OrderLine>> lines = store
                .jdbc()
                .sql("SELECT order_id, sku, title, category, quantity, unit_price, line_total FROM order_lines"
                        + " WHERE order_id = ANY(?) ORDER BY order_id, line_no")
                .param(ids)
                .query((rs, i) -> Map.entry(rs.getString(1), line(rs, currencies.get(rs.getString(1)))))
                .list()
                .stream()
                .collect(Collectors.groupingBy(
                        Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
        Map<String, List<StatusChange>> history = store
                .jdbc()
                .sql("SELECT order_id, from_status, to_status, actor, reason, at FROM order_transitions"
                        + " WHERE order_id = ANY(?) ORDER BY order_id, seq")
                .param(ids)
                .query((rs, i) -> Map.entry(
                        rs.getString(1),
                        new StatusChange(
                                Optional.ofNullable(rs.getString(2)).map(OrderStatus::parse),
                                OrderStatus.parse(rs.getString(3)),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getTimestamp(6).toInstant())))
                .list()
                .stream()
                .collect(Collectors.groupingBy(
                        Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
        List<Order> orders = new ArrayList<>(heads.size());
        for (Head h : heads) {
            orders.add(new Order(
                    h.id(),
                    h.merchant(),
                    h.customer(),
                    h.status(),
                    lines.getOrDefault(h.id().value(), List.of()),
                    h.subtotal(),
                    h.total(),
                    Optional.ofNullable(h.shipTo())
                            .map(json -> EventJson.read(json, Plan.ShipTo.class).toAddress()),
                    h.version(),
                    h.placedAt(),
                    h.updatedAt(),
                    history.getOrDefault(h.id().value(), List.of())));
        }
        return orders;
    }

    private static OrderLine line(ResultSet rs, String currency) throws SQLException {
        return new OrderLine(
                Sku.of(rs.getString(2)),
                rs.getString(3),
                rs.getString(4),
                rs.getInt(5),
                new Money(rs.getBigDecimal(6), currency),
                new Money(rs.getBigDecimal(7), currency));
    }

    private static CheckoutRecord checkout(ResultSet rs, int row) throws SQLException {
        OrderId id = OrderId.of(rs.getString("id"));
        int status = rs.getInt("response_status");
        boolean decided = !rs.wasNull();
        Optional<ConsistencyToken> token =
                Optional.ofNullable(rs.getString("response_token")).map(ConsistencyToken::decode);
        Optional<CheckoutResponse> response = decided
                ? Optional.of(new CheckoutResponse(
                        status,
                        rs.getString("response_body"),
                        status == 201 ? Optional.of(id) : Optional.empty(),
                        token,
                        false))
                : Optional.empty();
        return new CheckoutRecord(
                id,
                rs.getString("customer_id"),
                rs.getString("idempotency_key"),
                rs.getString("fingerprint"),
                EventJson.read(rs.getString("plan"), Plan.class),
                State.valueOf(rs.getString("state").toUpperCase(Locale.ROOT)),
                response,
                rs.getInt("attempts"));
    }

    /** An error as stored: its first 2,000 characters. */
    private static String clip(String error) {
        return error.length() > 2000 ? error.substring(0, 2000) : error;
    }

    private static Timestamp at(Instant instant) {
        return Timestamp.from(instant);
    }
}
