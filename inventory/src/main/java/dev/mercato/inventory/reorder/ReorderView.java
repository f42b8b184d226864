package dev.mercato.inventory.reorder;

import dev.mercato.inventory.events.StockAdjusted;
import dev.mercato.inventory.events.StockCommitted;
import dev.mercato.inventory.events.StockLow;
import dev.mercato.inventory.events.StockReleased;
import dev.mercato.inventory.events.StockReserved;
import dev.mercato.plane.consume.Generation;
import dev.mercato.plane.consume.View;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.Topics;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Reorder suggestions, derived from inventory's own log into a schema of their own ({@code reorder}): a
 * {@code stock-low} opens (or refreshes) the suggestion for its merchant's SKU, and a later stock event of
 * that SKU updates what it says, closing it once available is back at or above the threshold the
 * stock-low reported.
 *
 * <p>The rule: reorder enough to bring available back to twice the threshold, {@code 2 x threshold -
 * available}, at least one unit. Twice, so that one reorder covers the gap and a threshold's worth of
 * sales before the next stock-low. Each SKU's events are applied in their order on the log, and an event
 * older (by stock version) than what the suggestion shows changes nothing, so a rebuild ends where the
 * incremental run did.
 */
public final class ReorderView implements View {

    public static final String NAME = "reorder";

    private final String name;
    private final List<String> topics;

    /** The platform's view, fed by the inventory topic. */
    public ReorderView() {
        this(NAME, List.of(Topics.of("inventory")));
    }

    /** A view of its own name on topics of its own, for tests that share a broker. */
    public ReorderView(String name, List<String> topics) {
        this.name = Objects.requireNonNull(name, "name");
        this.topics = List.copyOf(topics);
    }

    /** How much to reorder: bring available back up to twice the threshold, and never suggest nothing. */
    public static int suggestedQuantity(int available, int threshold) {
        return Math.max(1, 2 * threshold - available);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> topics() {
        return topics;
    }

    @Override
    public void createTables(JdbcClient tx, Generation g) {
        String suggestions = g.table("suggestions");
        tx.sql("CREATE TABLE IF NOT EXISTS " + suggestions + " (merchant_id text NOT NULL, sku text NOT NULL,"
                        + " status text NOT NULL CHECK (status IN ('open', 'closed')), available integer NOT NULL,"
                        + " threshold integer NOT NULL, on_hand integer NOT NULL,"
                        + " suggested_quantity integer NOT NULL CHECK (suggested_quantity > 0),"
                        + " stock_version bigint NOT NULL, opened_at timestamptz NOT NULL,"
                        + " updated_at timestamptz NOT NULL, closed_at timestamptz, PRIMARY KEY (merchant_id, sku))")
                .update();
        tx.sql("CREATE INDEX IF NOT EXISTS " + suggestions + "_by_status ON " + suggestions
                        + " (merchant_id, status, sku)")
                .update();
    }

    @Override
    public void dropTables(JdbcClient tx, Generation g) {
        tx.sql("DROP TABLE IF EXISTS " + g.table("suggestions")).update();
    }

    @Override
    public void apply(Event event, JdbcClient tx, Generation g) {
        if (event.type().equals(StockLow.TYPE)) {
            StockLow low = EventJson.read(event.data(), StockLow.class);
            open(tx, g, low, event.time());
        } else if (event.type().equals(StockAdjusted.TYPE)) {
            StockAdjusted a = EventJson.read(event.data(), StockAdjusted.class);
            follow(tx, g, a.merchant(), a.sku(), a.available(), a.onHand(), a.version(), event.time());
        } else if (event.type().equals(StockReserved.TYPE)) {
            StockReserved r = EventJson.read(event.data(), StockReserved.class);
            follow(tx, g, r.merchant(), r.sku(), r.available(), r.onHand(), r.version(), event.time());
        } else if (event.type().equals(StockReleased.TYPE)) {
            StockReleased r = EventJson.read(event.data(), StockReleased.class);
            follow(tx, g, r.merchant(), r.sku(), r.available(), r.onHand(), r.version(), event.time());
        } else if (event.type().equals(StockCommitted.TYPE)) {
            StockCommitted c = EventJson.read(event.data(), StockCommitted.class);
            follow(tx, g, c.merchant(), c.sku(), c.available(), c.onHand(), c.version(), event.time());
        }
    }

    /** Opens the SKU's suggestion, or reopens a closed one, unless the suggestion already shows a later stock. */
    private static void open(JdbcClient tx, Generation g, StockLow low, Instant at) {
        String s = g.table("suggestions");
        tx.sql("INSERT INTO " + s + " AS s (merchant_id, sku, status, available, threshold, on_hand,"
                        + " suggested_quantity, stock_version, opened_at, updated_at, closed_at)"
                        + " VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, NULL)"
                        + " ON CONFLICT (merchant_id, sku) DO UPDATE SET status = 'open',"
                        + " available = EXCLUDED.available, threshold = EXCLUDED.threshold,"
                        + " on_hand = EXCLUDED.on_hand, suggested_quantity = EXCLUDED.suggested_quantity,"
                        + " stock_version = EXCLUDED.stock_version,"
                        + " opened_at = CASE WHEN s.status = 'closed' THEN EXCLUDED.opened_at ELSE s.opened_at END,"
                        + " updated_at = EXCLUDED.updated_at, closed_at = NULL"
                        + " WHERE s.stock_version <= EXCLUDED.stock_version")
                .params(
                        low.merchant(),
                        low.sku(),
                        low.available(),
                        low.threshold(),
                        low.onHand(),
                        suggestedQuantity(low.available(), low.threshold()),
                        low.version(),
                        Timestamp.from(at),
                        Timestamp.from(at))
                .update();
    }

    /**
     * A later level of a SKU with an open suggestion: what to reorder follows available, and the suggestion
     * closes once available is back at or above the threshold. SKUs with no open suggestion are not tracked.
     */
    private static void follow(
            JdbcClient tx,
            Generation g,
            String merchant,
            String sku,
            int available,
            int onHand,
            long version,
            Instant at) {
        String s = g.table("suggestions");
        tx.sql("UPDATE " + s + " SET available = ?, on_hand = ?, stock_version = ?, updated_at = ?,"
                        + " suggested_quantity = greatest(1, 2 * threshold - ?::integer),"
                        + " status = CASE WHEN ?::integer >= threshold THEN 'closed' ELSE 'open' END,"
                        + " closed_at = CASE WHEN ?::integer >= threshold THEN ?::timestamptz ELSE NULL END"
                        + " WHERE merchant_id = ? AND sku = ? AND status = 'open' AND stock_version < ?")
                .params(
                        available,
                        onHand,
                        version,
                        Timestamp.from(at),
                        available,
                        available,
                        available,
                        Timestamp.from(at),
                        merchant,
                        sku,
                        version)
                .update();
    }
}
