package dev.mercato.fulfillment.queue;

import dev.mercato.fulfillment.events.OrderShipped;
import dev.mercato.fulfillment.events.PickLine;
import dev.mercato.orders.events.OrderPlaced;
import dev.mercato.orders.events.OrderRound;
import dev.mercato.orders.events.OrderStatusChanged;
import dev.mercato.plane.consume.Generation;
import dev.mercato.plane.consume.View;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.Topics;
import java.sql.Timestamp;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The merchant fulfillment queue: each merchant's orders with the stage they wait in (to-pick, to-pack,
 * to-ship, shipped, then delivered or cancelled), derived into its own schema ({@code fulfillment_queue})
 * from the orders log (placement and status, orders being the one writer of status) and the fulfillment log
 * (carrier and tracking number). It may lag both; reads say by how much, and a client passes the token of
 * its write to read it back. Rebuilt from the log like any derived view.
 *
 * <p>The two logs are not ordered with each other, so the shipment's details sit in a table of their own,
 * written whichever arrives first: applying the two streams in any interleaving gives the same rows.
 */
public final class FulfillmentQueueView implements View {

    public static final String NAME = "fulfillment_queue";

    private final List<String> topics;

    public FulfillmentQueueView(String ordersTopic, String fulfillmentTopic) {
        this.topics = List.of(ordersTopic, fulfillmentTopic);
    }

    public FulfillmentQueueView() {
        this(Topics.of("orders"), Topics.of("fulfillment"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> topics() {
        return topics;
    }

    /** The stage an order status puts an order in. */
    static String stageOf(String status) {
        return switch (status) {
            case "placed" -> "to-pick";
            case "picking" -> "to-pack";
            case "packed" -> "to-ship";
            case "shipped" -> "shipped";
            case "delivered" -> "delivered";
            default -> "cancelled";
        };
    }

    @Override
    public void createTables(JdbcClient tx, Generation g) {
        String queue = g.table("queue");
        tx.sql("CREATE TABLE IF NOT EXISTS " + queue + " (order_id text PRIMARY KEY, merchant_id text NOT NULL,"
                        + " customer_id text NOT NULL, stage text NOT NULL, item_count integer NOT NULL,"
                        + " lines text NOT NULL, placed_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)")
                .update();
        tx.sql("CREATE INDEX IF NOT EXISTS " + queue + "_by_merchant ON " + queue + " (merchant_id, stage, order_id)")
                .update();
        tx.sql("CREATE TABLE IF NOT EXISTS " + g.table("shipment") + " (order_id text PRIMARY KEY, carrier text,"
                        + " tracking_number text, shipped_at timestamptz NOT NULL)")
                .update();
    }

    @Override
    public void dropTables(JdbcClient tx, Generation g) {
        tx.sql("DROP TABLE IF EXISTS " + g.table("queue")).update();
        tx.sql("DROP TABLE IF EXISTS " + g.table("shipment")).update();
    }

    /**
     * A round in at most three set-based statements: the placements, each order's last status change, and the
     * shipments. Equivalent to applying the round's events one by one in order: a placement only inserts its
     * order's row and every status change of that order comes after it in the order's stream (so the last one
     * is what the row ends with), and an order's first shipment is the one kept.
     */
    @Override
    public void applyAll(List<Event> events, JdbcClient tx, Generation g) {
        OrderRound round = OrderRound.of(events);
        List<OrderPlaced> placed = round.placed();
        Map<String, OrderShipped> firstShipment = new LinkedHashMap<>();
        for (Event e : round.others()) {
            if (e.type().equals(OrderShipped.TYPE)) {
                OrderShipped s = EventJson.read(e.data(), OrderShipped.class);
                firstShipment.putIfAbsent(s.orderId(), s);
            }
        }
        if (!placed.isEmpty()) {
            tx.sql("INSERT INTO " + g.table("queue") + " (order_id, merchant_id, customer_id, stage, item_count,"
                            + " lines, placed_at, updated_at) SELECT o, m, c, 'to-pick', n, l, t, t FROM"
                            + " unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::timestamptz[])"
                            + " AS d(o, m, c, n, l, t) ON CONFLICT (order_id) DO NOTHING")
                    .params(
                            placed.stream().map(OrderPlaced::orderId).toArray(String[]::new),
                            placed.stream().map(OrderPlaced::merchant).toArray(String[]::new),
                            placed.stream().map(OrderPlaced::customer).toArray(String[]::new),
                            placed.stream().map(OrderPlaced::itemCount).toArray(Integer[]::new),
                            placed.stream().map(FulfillmentQueueView::pickLines).toArray(String[]::new),
                            placed.stream()
                                    .map(p -> p.placedAt()
                                            .truncatedTo(ChronoUnit.MICROS)
                                            .toString())
                                    .toArray(String[]::new))
                    .update();
        }
        if (!round.lastStatus().isEmpty()) {
            List<OrderStatusChanged> changes = round.lastStatus();
            tx.sql("UPDATE " + g.table("queue") + " AS q SET stage = d.s, updated_at = d.t FROM unnest(?::text[],"
                            + " ?::text[], ?::timestamptz[]) AS d(o, s, t) WHERE q.order_id = d.o")
                    .params(
                            changes.stream().map(OrderStatusChanged::orderId).toArray(String[]::new),
                            changes.stream().map(c -> stageOf(c.to())).toArray(String[]::new),
                            changes.stream()
                                    .map(c -> c.at().truncatedTo(ChronoUnit.MICROS)
                                            .toString())
                                    .toArray(String[]::new))
                    .update();
        }
        if (!firstShipment.isEmpty()) {
            List<OrderShipped> shipped = List.copyOf(firstShipment.values());
            tx.sql("INSERT INTO " + g.table("shipment") + " (order_id, carrier, tracking_number, shipped_at)"
                            + " SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[])"
                            + " ON CONFLICT (order_id) DO NOTHING")
                    .params(
                            shipped.stream().map(OrderShipped::orderId).toArray(String[]::new),
                            shipped.stream().map(OrderShipped::carrier).toArray(String[]::new),
                            shipped.stream().map(OrderShipped::trackingNumber).toArray(String[]::new),
                            shipped.stream()
                                    .map(s -> s.at().truncatedTo(ChronoUnit.MICROS)
                                            .toString())
                                    .toArray(String[]::new))
                    .update();
        }
    }

    private static String pickLines(OrderPlaced p) {
        return EventJson.write(p.lines().stream()
                .map(l -> new PickLine(l.sku(), l.title(), l.quantity()))
                .toList());
    }

    @Override
    public void apply(Event event, JdbcClient tx, Generation g) {
        if (event.type().equals(OrderPlaced.TYPE)) {
            OrderPlaced p = EventJson.read(event.data(), OrderPlaced.class);
            tx.sql("INSERT INTO " + g.table("queue") + " (order_id, merchant_id, customer_id, stage, item_count,"
                            + " lines, placed_at, updated_at) VALUES (?, ?, ?, 'to-pick', ?, ?, ?, ?)"
                            + " ON CONFLICT (order_id) DO NOTHING")
                    .params(
                            p.orderId(),
                            p.merchant(),
                            p.customer(),
                            p.itemCount(),
                            pickLines(p),
                            Timestamp.from(p.placedAt().truncatedTo(ChronoUnit.MICROS)),
                            Timestamp.from(p.placedAt().truncatedTo(ChronoUnit.MICROS)))
                    .update();
        } else if (event.type().equals(OrderStatusChanged.TYPE)) {
            OrderStatusChanged c = EventJson.read(event.data(), OrderStatusChanged.class);
            // Status events follow the placement in the same stream, so the row is there.
            tx.sql("UPDATE " + g.table("queue") + " SET stage = ?, updated_at = ? WHERE order_id = ?")
                    .params(stageOf(c.to()), Timestamp.from(c.at().truncatedTo(ChronoUnit.MICROS)), c.orderId())
                    .update();
        } else if (event.type().equals(OrderShipped.TYPE)) {
            OrderShipped s = EventJson.read(event.data(), OrderShipped.class);
            tx.sql("INSERT INTO " + g.table("shipment") + " (order_id, carrier, tracking_number, shipped_at)"
                            + " VALUES (?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING")
                    .params(
                            s.orderId(),
                            s.carrier(),
                            s.trackingNumber(),
                            Timestamp.from(s.at().truncatedTo(ChronoUnit.MICROS)))
                    .update();
        }
        // Other events (checkout steps, picks and packs, which orders' status already says) change nothing here.
    }
}
