package dev.mercato.orders.history;

import dev.mercato.orders.events.OrderPlaced;
import dev.mercato.orders.events.OrderStatusChanged;
import dev.mercato.plane.consume.Generation;
import dev.mercato.plane.consume.View;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.Topics;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.List;
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
        if (event.type().equals(OrderPlaced.TYPE)) {
            OrderPlaced p = EventJson.read(event.data(), OrderPlaced.class);
            tx.sql("INSERT INTO " + g.table("orders") + " (order_id, customer_id, merchant_id, status, currency,"
                            + " total, item_count, lines, placed_at, updated_at)"
                            + " VALUES (?, ?, ?, 'placed', ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING")
                    .params(
                            p.orderId(),
                            p.customer(),
                            p.merchant(),
                            p.total().currency(),
                            new BigDecimal(p.total().amount()),
                            p.itemCount(),
                            EventJson.write(p.lines()),
                            Timestamp.from(p.placedAt()),
                            Timestamp.from(p.placedAt()))
                    .update();
            timeline(tx, g, p.orderId(), event.sequence(), "placed", "", p.placedAt());
        } else if (event.type().equals(OrderStatusChanged.TYPE)) {
            OrderStatusChanged c = EventJson.read(event.data(), OrderStatusChanged.class);
            tx.sql("UPDATE " + g.table("orders") + " SET status = ?, updated_at = ? WHERE order_id = ?")
                    .params(c.to(), Timestamp.from(c.at()), c.orderId())
                    .update();
            timeline(tx, g, c.orderId(), event.sequence(), c.to(), c.reason() == null ? "" : c.reason(), c.at());
        }
        // Checkouts that never became orders are not the customer's orders.
    }

    private static void timeline(
            JdbcClient tx, Generation g, String order, long seq, String status, String reason, java.time.Instant at) {
        tx.sql("INSERT INTO " + g.table("timeline") + " (order_id, seq, status, reason, at) VALUES (?, ?, ?, ?, ?)"
                        + " ON CONFLICT (order_id, seq) DO NOTHING")
                .params(order, seq, status, reason, Timestamp.from(at))
                .update();
    }
}
