package dev.mercato.orders.history;

import dev.mercato.orders.events.OrderPlaced;
import dev.mercato.orders.events.OrderStatusChanged;
import dev.mercato.plane.consume.Generation;
import dev.mercato.plane.consume.View;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.Topics;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The customer account view: each customer's orders with their status timeline, derived from the orders
 * log alone into its own schema ({@code order_history}). It may lag the orders' source of truth; every
 * read says by how much, and a client that just checked out passes its token to read its own order.
 */
public final class OrderHistoryView implements View {

    public static final String NAME = "order_history";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> topics() {
        return List.of(Topics.of("orders"));
    }

    @Override
    public void createTables(JdbcClient tx, Generation g) {
        String orders = g.table("orders");
        tx.sql("CREATE TABLE IF NOT EXISTS " + orders + " (order_id text PRIMARY KEY, customer_id text NOT NULL,"
                        + " merchant_id text NOT NULL, status text NOT NULL, currency text NOT NULL,"
                        + " total numeric(14, 4) NOT NULL, item_count integer NOT NULL, lines text NOT NULL,"
                        + " placed_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)")
                .update();
        tx.sql("CREATE INDEX IF NOT EXISTS " + orders + "_by_customer ON " + orders + " (customer_id, order_id DESC)")
                .update();
        tx.sql("CREATE TABLE IF NOT EXISTS " + g.table("timeline") + " (order_id text NOT NULL, seq bigint NOT NULL,"
                        + " status text NOT NULL, reason text NOT NULL, at timestamptz NOT NULL,"
                        + " PRIMARY KEY (order_id, seq))")
                .update();
    }

    @Override
    public void dropTables(JdbcClient tx, Generation g) {
        tx.sql("DROP TABLE IF EXISTS " + g.table("orders")).update();
        tx.sql("DROP TABLE IF EXISTS " + g.table("timeline")).update();
    }

    @Override
    public void apply(Event event, JdbcClient tx, Generation g) {
        applyAll(List.of(event), tx, g);
    }

    /**
     * A round in three statements at most: the placed orders in one insert, the status moves in one update
     * (the last move of each order in the round wins, as applying them one by one would leave it), every
     * timeline row in one insert. An order placed and moved in the same round is inserted, then updated.
     */
    @Override
    public void applyAll(List<Event> events, JdbcClient tx, Generation g) {
        List<OrderPlaced> placed = new ArrayList<>();
        Map<String, OrderStatusChanged> moved = new LinkedHashMap<>();
        List<Object[]> timeline = new ArrayList<>();
        for (Event event : events) {
            if (event.type().equals(OrderPlaced.TYPE)) {
                OrderPlaced p = EventJson.read(event.data(), OrderPlaced.class);
                placed.add(p);
                timeline.add(new Object[] {p.orderId(), event.sequence(), "placed", "", p.placedAt()});
            } else if (event.type().equals(OrderStatusChanged.TYPE)) {
                OrderStatusChanged c = EventJson.read(event.data(), OrderStatusChanged.class);
                moved.put(c.orderId(), c);
                timeline.add(new Object[] {
                    c.orderId(), event.sequence(), c.to(), c.reason() == null ? "" : c.reason(), c.at()
                });
            }
        }
        if (!placed.isEmpty()) {
            tx.sql("INSERT INTO " + g.table("orders") + " (order_id, customer_id, merchant_id, status, currency,"
                            + " total, item_count, lines, placed_at, updated_at)"
                            + " SELECT o, c, m, 'placed', cur, t, n, l, at, at FROM unnest(?::text[], ?::text[],"
                            + " ?::text[], ?::text[], ?::numeric[], ?::int[], ?::text[], ?::timestamptz[])"
                            + " AS d(o, c, m, cur, t, n, l, at) ON CONFLICT (order_id) DO NOTHING")
                    // Amounts and times travel as text, parsed by the server: exact, and pgjdbc binds text arrays.
                    .params(
                            placed.stream().map(OrderPlaced::orderId).toArray(String[]::new),
                            placed.stream().map(OrderPlaced::customer).toArray(String[]::new),
                            placed.stream().map(OrderPlaced::merchant).toArray(String[]::new),
                            placed.stream().map(p -> p.total().currency()).toArray(String[]::new),
                            placed.stream()
                                    .map(p -> new BigDecimal(p.total().amount()).toPlainString())
                                    .toArray(String[]::new),
                            placed.stream().map(OrderPlaced::itemCount).toArray(Integer[]::new),
                            placed.stream().map(p -> EventJson.write(p.lines())).toArray(String[]::new),
                            placed.stream().map(p -> p.placedAt().toString()).toArray(String[]::new))
                    .update();
        }
        if (!moved.isEmpty()) {
            tx.sql("UPDATE " + g.table("orders") + " o SET status = d.s, updated_at = d.at"
                            + " FROM unnest(?::text[], ?::text[], ?::timestamptz[]) AS d(id, s, at)"
                            + " WHERE o.order_id = d.id")
                    .params(
                            moved.keySet().toArray(String[]::new),
                            moved.values().stream().map(OrderStatusChanged::to).toArray(String[]::new),
                            moved.values().stream().map(c -> c.at().toString()).toArray(String[]::new))
                    .update();
        }
        if (!timeline.isEmpty()) {
            tx.sql("INSERT INTO " + g.table("timeline") + " (order_id, seq, status, reason, at)"
                            + " SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::timestamptz[])"
                            + " ON CONFLICT (order_id, seq) DO NOTHING")
                    .params(
                            timeline.stream().map(r -> (String) r[0]).toArray(String[]::new),
                            timeline.stream().map(r -> (Long) r[1]).toArray(Long[]::new),
                            timeline.stream().map(r -> (String) r[2]).toArray(String[]::new),
                            timeline.stream().map(r -> (String) r[3]).toArray(String[]::new),
                            timeline.stream().map(r -> r[4].toString()).toArray(String[]::new))
                    .update();
        }
    }
}
