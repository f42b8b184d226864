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
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Pick lists and reported steps in fulfillment's schema, each change with its event in the same
 * transaction (the caller's, or one of its own). Creating a pick list is idempotent by order id: intake
 * and a report that came first may both try, one inserts and publishes.
 */
public final class JdbcPickLists {

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
        Instant now = clock.instant();
        int items = d.lines().stream().mapToInt(PickLine::quantity).sum();
        int inserted = store.jdbc()
                .sql("INSERT INTO pick_list (order_id, merchant_id, customer_id, status, item_count, placed_at,"
                        + " created_from, created_at, updated_at) VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (order_id) DO NOTHING")
                .params(
                        d.orderId(),
                        d.merchant(),
                        d.customer(),
                        items,
                        Timestamp.from(d.placedAt()),
                        d.createdFrom(),
                        Timestamp.from(now),
                        Timestamp.from(now))
                .update();
        if (inserted == 0) {
            return false;
        }
        int lineNo = 0;
        for (PickLine line : d.lines()) {
            store.jdbc()
                    .sql("INSERT INTO pick_list_line (order_id, line_no, sku, title, quantity) VALUES (?, ?, ?, ?, ?)")
                    .params(
                            d.orderId(),
                            ++lineNo,
                            line.sku(),
                            line.title() == null ? "" : line.title(),
                            line.quantity())
                    .update();
        }
        outbox.append(
                PickListCreated.TYPE,
                MerchantId.of(d.merchant()),
                d.orderId(),
                new PickListCreated(
                        d.orderId(), d.merchant(), d.customer(), d.lines(), items, d.placedAt(), d.createdFrom(), now));
        return true;
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

    private List<PickLine> lines(String orderId) {
        return store.jdbc()
                .sql("SELECT sku, title, quantity FROM pick_list_line WHERE order_id = ? ORDER BY line_no")
                .params(orderId)
                .query((rs, i) -> new PickLine(rs.getString(1), rs.getString(2), rs.getInt(3)))
                .list();
    }

    /**
     * Records a step on an open pick list at the step before it, with its event, in one transaction of its
     * own. Returns false when the pick list was not at {@code from} any more (a concurrent report won).
     */
    public boolean record(
            String orderId,
            String merchant,
            PickListStatus from,
            FulfillmentStep step,
            String actor,
            Optional<String> carrier,
            Optional<String> tracking) {
        PickListStatus to = PickListStatus.after(step);
        return Boolean.TRUE.equals(store.transactions().execute(s -> {
            Instant now = clock.instant();
            int moved = store.jdbc()
                    .sql("UPDATE pick_list SET status = ?, updated_at = ?,"
                            + " carrier = coalesce(?, carrier), tracking_number = coalesce(?, tracking_number)"
                            + " WHERE order_id = ? AND status = ?")
                    .params(
                            to.wire(),
                            Timestamp.from(now),
                            carrier.orElse(null),
                            tracking.orElse(null),
                            orderId,
                            from.wire())
                    .update();
            if (moved == 0) {
                return false;
            }
            store.jdbc()
                    .sql("INSERT INTO fulfillment_step (order_id, step, rank, actor, carrier, tracking_number,"
                            + " reported_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .params(
                            orderId,
                            step.wire(),
                            to.rank(),
                            actor,
                            carrier.orElse(null),
                            tracking.orElse(null),
                            Timestamp.from(now))
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

    /** The steps recorded here that orders has not been told of yet, in the order they were reported. */
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
     * Moves an open pick list up to where orders says the order already is, for orders moved before
     * fulfillment recorded steps (history from before this capability). Never moves it back, records no
     * step and publishes nothing: the reports it stands for were never made here. Caller's transaction.
     */
    public void follow(String orderId, PickListStatus orderAt) {
        store.jdbc()
                .sql("UPDATE pick_list SET status = ?, updated_at = ? WHERE order_id = ? AND status <> 'closed'"
                        + " AND array_position(ARRAY['open','picked','packed','shipped','delivered'], status) < ?")
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
