package dev.mercato.fulfillment.store;

import dev.mercato.fulfillment.PickList;
import dev.mercato.fulfillment.PickListStatus;
import dev.mercato.fulfillment.events.OrderDelivered;
import dev.mercato.fulfillment.events.OrderPacked;
import dev.mercato.fulfillment.events.OrderPicked;
import dev.mercato.fulfillment.events.OrderShipped;
import dev.mercato.fulfillment.events.PickLine;
import dev.mercato.fulfillment.events.PickListClosed;
import dev.mercato.fulfillment.events.PickListCreated;
import dev.mercato.orders.FulfillmentStep;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.postgres.CapabilityStore;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pick lists and reported steps in fulfillment's schema, each change with its event in the same
 * transaction (the caller's, or one of its own). Creating a pick list is idempotent by order id: intake
 * and a report that came first may both try, one inserts and publishes.
 */
public final class JdbcPickLists {

    /** A pick list status's rank plus one (1 open ... 5 delivered), in SQL. */
    private static final String RANK = "array_position(ARRAY['open','picked','packed','shipped','delivered'], status)";

    private final CapabilityStore store;
    private final Outbox outbox;
    private final Clock clock;

    public JdbcPickLists(CapabilityStore store, Outbox outbox, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** A pick list to create: what the order says, however fulfillment learnt it. */
    public record Draft(
            String orderId,
            String merchant,
            String customer,
            List<PickLine> lines,
            Instant placedAt,
            String createdFrom) {}

    /** Creates the pick list unless it exists; must run in a transaction on this store. Returns whether it did. */
    public boolean create(Draft d) {
        return !createAll(List.of(d)).isEmpty();
    }

    /**
     * {@link #create} for many orders in three statements: the pick lists in one insert, the lines of those
     * that were new in another, their events in one outbox append. Returns the orders that got one now.
     */
    public List<String> createAll(List<Draft> drafts) {
        if (drafts.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant();
        List<String> created = store.jdbc()
                .sql("INSERT INTO pick_list (order_id, merchant_id, customer_id, status, item_count, placed_at,"
                        + " created_from, created_at, updated_at) SELECT o, m, c, 'open', n, p::timestamptz, f,"
                        + " ?::timestamptz, ?::timestamptz FROM unnest(?::text[], ?::text[], ?::text[], ?::int[],"
                        + " ?::text[], ?::text[]) AS d(o, m, c, n, p, f) ON CONFLICT (order_id) DO NOTHING"
                        + " RETURNING order_id")
                .params(
                        now.toString(),
                        now.toString(),
                        drafts.stream().map(Draft::orderId).toArray(String[]::new),
                        drafts.stream().map(Draft::merchant).toArray(String[]::new),
                        drafts.stream().map(Draft::customer).toArray(String[]::new),
                        drafts.stream().map(JdbcPickLists::items).toArray(Integer[]::new),
                        drafts.stream().map(d -> d.placedAt().toString()).toArray(String[]::new),
                        drafts.stream().map(Draft::createdFrom).toArray(String[]::new))
                .query(String.class)
                .list();
        if (created.isEmpty()) {
            return created;
        }
        java.util.Set<String> isNew = new java.util.HashSet<>(created);
        List<String> orders = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        List<String> skus = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        List<Integer> quantities = new ArrayList<>();
        List<Outbox.Draft> events = new ArrayList<>();
        for (Draft d : drafts) {
            if (!isNew.remove(d.orderId())) {
                continue;
            }
            int lineNo = 0;
            for (PickLine line : d.lines()) {
                orders.add(d.orderId());
                numbers.add(++lineNo);
                skus.add(line.sku());
                titles.add(line.title() == null ? "" : line.title());
                quantities.add(line.quantity());
            }
            events.add(new Outbox.Draft(
                    PickListCreated.TYPE,
                    MerchantId.of(d.merchant()),
                    d.orderId(),
                    new PickListCreated(
                            d.orderId(),
                            d.merchant(),
                            d.customer(),
                            d.lines(),
                            items(d),
                            d.placedAt(),
                            d.createdFrom(),
                            now)));
        }
        if (!orders.isEmpty()) {
            store.jdbc()
                    .sql("INSERT INTO pick_list_line (order_id, line_no, sku, title, quantity)"
                            + " SELECT * FROM unnest(?::text[], ?::int[], ?::text[], ?::text[], ?::int[])")
                    .params(
                            orders.toArray(String[]::new),
                            numbers.toArray(Integer[]::new),
                            skus.toArray(String[]::new),
                            titles.toArray(String[]::new),
                            quantities.toArray(Integer[]::new))
                    .update();
        }
        outbox.appendAll(events);
        return created;
    }

    private static int items(Draft d) {
        return d.lines().stream().mapToInt(PickLine::quantity).sum();
    }

    /** Creates it in a transaction of its own. */
    public boolean createNow(Draft d) {
        return Boolean.TRUE.equals(store.transactions().execute(s -> create(d)));
    }

    public Optional<PickList> find(String orderId) {
        return store.jdbc()
                .sql("SELECT order_id, merchant_id, customer_id, status, item_count, placed_at, created_from,"
                        + " updated_at, carrier, tracking_number, closed_reason FROM pick_list WHERE order_id = ?")
                .params(orderId)
                .query((rs, i) -> new PickList(
                        rs.getString("order_id"),
                        rs.getString("merchant_id"),
                        rs.getString("customer_id"),
                        PickListStatus.parse(rs.getString("status")),
                        List.of(),
                        rs.getInt("item_count"),
                        rs.getTimestamp("placed_at").toInstant(),
                        rs.getString("created_from"),
                        rs.getTimestamp("updated_at").toInstant(),
                        Optional.ofNullable(rs.getString("carrier")),
                        Optional.ofNullable(rs.getString("tracking_number")),
                        Optional.ofNullable(rs.getString("closed_reason"))))
                .optional()
                .map(p -> p.withLines(lines(orderId)));
    }

    /** The status of each of these orders' pick lists; orders without one are missing. */
    public Map<String, PickListStatus> statuses(List<String> orderIds) {
        Map<String, PickListStatus> statuses = new HashMap<>();
        if (orderIds.isEmpty()) {
            return statuses;
        }
        store.jdbc()
                .sql("SELECT order_id, status FROM pick_list WHERE order_id = ANY(?)")
                .param(orderIds.toArray(String[]::new))
                .query((ResultSet rs) -> {
                    statuses.put(rs.getString(1), PickListStatus.parse(rs.getString(2)));
                });
        return statuses;
    }

    private List<PickLine> lines(String orderId) {
        return store.jdbc()
                .sql("SELECT sku, title, quantity FROM pick_list_line WHERE order_id = ? ORDER BY line_no")
                .params(orderId)
                .query((rs, i) -> new PickLine(rs.getString(1), rs.getString(2), rs.getInt(3)))
                .list();
    }

    /** A report waiting for orders' decision: what the merchant said, kept until orders moved or refused. */
    public record Intent(
            String orderId,
            FulfillmentStep step,
            String actor,
            Optional<String> carrier,
            Optional<String> tracking,
            Instant reportedAt) {}

    /**
     * Keeps a report while orders decides (a repeat of the same report replaces it). It changes nothing
     * anyone sees: no status, no step row, no event.
     */
    public void intend(
            String orderId, FulfillmentStep step, String actor, Optional<String> carrier, Optional<String> tracking) {
        store.jdbc()
                .sql("INSERT INTO report_intent (order_id, step, actor, carrier, tracking_number, reported_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (order_id, step) DO UPDATE SET actor = EXCLUDED.actor,"
                        + " carrier = EXCLUDED.carrier, tracking_number = EXCLUDED.tracking_number,"
                        + " reported_at = EXCLUDED.reported_at")
                .params(
                        orderId,
                        step.wire(),
                        actor,
                        carrier.orElse(null),
                        tracking.orElse(null),
                        Timestamp.from(clock.instant()))
                .update();
    }

    /** Forgets a report orders refused (or never decided). */
    public void dropIntent(String orderId, FulfillmentStep step) {
        store.jdbc()
                .sql("DELETE FROM report_intent WHERE order_id = ? AND step = ?")
                .params(orderId, step.wire())
                .update();
    }

    /** The reports of one order still waiting for orders, oldest first. */
    public List<Intent> intentsOf(String orderId) {
        return intents("order_id = ?", List.of(orderId), Integer.MAX_VALUE);
    }

    /** Reports older than {@code before} still waiting for orders: their requests died, or are slow. */
    public List<Intent> intentsBefore(Instant before, int limit) {
        return intents("reported_at < ?", List.of(Timestamp.from(before)), limit);
    }

    private List<Intent> intents(String where, List<Object> params, int limit) {
        List<Object> all = new ArrayList<>(params);
        all.add(limit);
        return store.jdbc()
                .sql("SELECT order_id, step, actor, carrier, tracking_number, reported_at FROM report_intent"
                        + " WHERE " + where + " ORDER BY reported_at LIMIT ?")
                .params(all.toArray())
                .query((rs, i) -> new Intent(
                        rs.getString(1),
                        FulfillmentStep.parse(rs.getString(2)),
                        rs.getString(3),
                        Optional.ofNullable(rs.getString(4)),
                        Optional.ofNullable(rs.getString(5)),
                        rs.getTimestamp(6).toInstant()))
                .list();
    }

    /**
     * Records a step orders has moved the order to, once: the step row and its event, the pick list moved up
     * to it (never back, never out of closed) with the carrier and tracking number, and the report's intent
     * gone, in one transaction of its own. A step recorded already records nothing and answers false.
     */
    public boolean record(
            String orderId,
            String merchant,
            FulfillmentStep step,
            String actor,
            Optional<String> carrier,
            Optional<String> tracking) {
        PickListStatus to = PickListStatus.after(step);
        return Boolean.TRUE.equals(store.transactions().execute(s -> {
            Instant now = clock.instant();
            store.jdbc()
                    .sql("DELETE FROM report_intent WHERE order_id = ? AND step = ?")
                    .params(orderId, step.wire())
                    .update();
            int inserted = store.jdbc()
                    .sql("INSERT INTO fulfillment_step (order_id, step, rank, actor, carrier, tracking_number,"
                            + " reported_at, order_advanced) VALUES (?, ?, ?, ?, ?, ?, ?, true)"
                            + " ON CONFLICT (order_id, step) DO NOTHING")
                    .params(
                            orderId,
                            step.wire(),
                            to.rank(),
                            actor,
                            carrier.orElse(null),
                            tracking.orElse(null),
                            Timestamp.from(now))
                    .update();
            if (inserted == 0) {
                return false;
            }
            store.jdbc()
                    .sql(
                            "UPDATE pick_list SET status = CASE WHEN " + RANK + " < ? THEN ? ELSE status END,"
                                    + " updated_at = ?, carrier = coalesce(?, carrier),"
                                    + " tracking_number = coalesce(?, tracking_number) WHERE order_id = ? AND status <> 'closed'")
                    .params(
                            to.rank() + 1,
                            to.wire(),
                            Timestamp.from(now),
                            carrier.orElse(null),
                            tracking.orElse(null),
                            orderId)
                    .update();
            MerchantId m = MerchantId.of(merchant);
            Object payload = switch (step) {
                case PICKED -> new OrderPicked(orderId, merchant, actor, now);
                case PACKED -> new OrderPacked(orderId, merchant, actor, now);
                case SHIPPED ->
                    new OrderShipped(orderId, merchant, carrier.orElse(null), tracking.orElse(null), actor, now);
                case DELIVERED -> new OrderDelivered(orderId, merchant, actor, now);
            };
            outbox.append(
                    switch (step) {
                        case PICKED -> OrderPicked.TYPE;
                        case PACKED -> OrderPacked.TYPE;
                        case SHIPPED -> OrderShipped.TYPE;
                        case DELIVERED -> OrderDelivered.TYPE;
                    },
                    m,
                    orderId,
                    payload);
            return true;
        }));
    }

    /**
     * Steps recorded by the earlier protocol (step first, orders after) whose order was never moved: a crash
     * between the two. Rows written since are recorded after orders moved, so this only drains old ones.
     */
    public List<FulfillmentStep> unadvanced(String orderId) {
        return store.jdbc()
                .sql("SELECT step FROM fulfillment_step WHERE order_id = ? AND NOT order_advanced ORDER BY rank")
                .params(orderId)
                .query((rs, i) -> FulfillmentStep.parse(rs.getString(1)))
                .list();
    }

    /** Orders with a step reported before {@code before} that orders has not been told of yet. */
    public List<String> withUnadvancedSteps(Instant before, int limit) {
        return store.jdbc()
                .sql("SELECT DISTINCT order_id FROM fulfillment_step WHERE NOT order_advanced AND reported_at < ?"
                        + " LIMIT ?")
                .params(Timestamp.from(before), limit)
                .query(String.class)
                .list();
    }

    /** The actor who reported a step, for driving it again on their behalf. */
    public Optional<String> actorOf(String orderId, FulfillmentStep step) {
        return store.jdbc()
                .sql("SELECT actor FROM fulfillment_step WHERE order_id = ? AND step = ?")
                .params(orderId, step.wire())
                .query(String.class)
                .optional();
    }

    public void advanced(String orderId, FulfillmentStep step) {
        store.jdbc()
                .sql("UPDATE fulfillment_step SET order_advanced = true WHERE order_id = ? AND step = ?")
                .params(orderId, step.wire())
                .update();
    }

    /**
     * Moves an open pick list up to where orders says the order is (intake, from {@code order-status-changed}).
     * Never moves it back or out of closed, records no step and publishes nothing: the step row and its event
     * are the report's, written by {@link #record}. Caller's transaction.
     */
    public void follow(String orderId, PickListStatus orderAt) {
        store.jdbc()
                .sql("UPDATE pick_list SET status = ?, updated_at = ? WHERE order_id = ? AND status <> 'closed'"
                        + " AND " + RANK + " < ?")
                .params(orderAt.wire(), Timestamp.from(clock.instant()), orderId, orderAt.rank() + 1)
                .update();
    }

    /**
     * Closes an open pick list because the order was cancelled or refunded, with its event; must run in a
     * transaction on this store. Returns whether it did (false when missing or closed already).
     */
    public boolean close(String orderId, String reason) {
        Instant now = clock.instant();
        List<String> merchant = store.jdbc()
                .sql("UPDATE pick_list SET status = 'closed', closed_reason = ?, updated_at = ?"
                        + " WHERE order_id = ? AND status <> 'closed' RETURNING merchant_id")
                .params(reason, Timestamp.from(now), orderId)
                .query(String.class)
                .list();
        if (merchant.isEmpty()) {
            return false;
        }
        // The steps orders will never take now are not pending any more.
        store.jdbc()
                .sql("UPDATE fulfillment_step SET order_advanced = true WHERE order_id = ?")
                .params(orderId)
                .update();
        outbox.append(
                PickListClosed.TYPE,
                MerchantId.of(merchant.getFirst()),
                orderId,
                new PickListClosed(orderId, merchant.getFirst(), reason, now));
        return true;
    }
}
