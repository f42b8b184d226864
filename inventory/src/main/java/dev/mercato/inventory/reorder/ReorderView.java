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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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

    /**
     * A round in two statements: the suggestions of the round's SKUs are read, the round's events are folded
     * into them in the round's order by the same rules {@link #apply} writes in SQL, and the suggestions that
     * changed are written back in one upsert. Equivalent to applying the events one by one: every rule reads
     * only the SKU's own suggestion, which nothing else writes during the round.
     */
    @Override
    public void applyAll(List<Event> events, JdbcClient tx, Generation g) {
        List<Level> levels = new ArrayList<>(events.size());
        for (Event e : events) {
            level(e).ifPresent(levels::add);
        }
        if (levels.isEmpty()) {
            return;
        }
        String s = g.table("suggestions");
        Map<Key, Suggestion> rows = new HashMap<>();
        List<Key> keys = levels.stream().map(Level::key).distinct().toList();
        tx.sql("SELECT merchant_id, sku, status, available, threshold, on_hand, suggested_quantity, stock_version,"
                        + " opened_at, updated_at, closed_at FROM " + s + " WHERE (merchant_id, sku) IN (SELECT * FROM"
                        + " unnest(?::text[], ?::text[]))")
                .params(
                        keys.stream().map(Key::merchant).toArray(String[]::new),
                        keys.stream().map(Key::sku).toArray(String[]::new))
                .query((rs, n) -> new Suggestion(
                        new Key(rs.getString(1), rs.getString(2)),
                        rs.getString(3),
                        rs.getInt(4),
                        rs.getInt(5),
                        rs.getInt(6),
                        rs.getInt(7),
                        rs.getLong(8),
                        rs.getTimestamp(9).toInstant(),
                        rs.getTimestamp(10).toInstant(),
                        Optional.ofNullable(rs.getTimestamp(11))
                                .map(Timestamp::toInstant)
                                .orElse(null)))
                .list()
                .forEach(r -> rows.put(r.key(), r));
        Map<Key, Suggestion> changed = new LinkedHashMap<>();
        for (Level l : levels) {
            Suggestion before = rows.get(l.key());
            Suggestion after = l.threshold() != null ? opened(before, l) : followed(before, l);
            if (after != before) {
                rows.put(l.key(), after);
                changed.put(l.key(), after);
            }
        }
        if (changed.isEmpty()) {
            return;
        }
        List<Suggestion> out = List.copyOf(changed.values());
        tx.sql("INSERT INTO " + s + " AS s (merchant_id, sku, status, available, threshold, on_hand,"
                        + " suggested_quantity, stock_version, opened_at, updated_at, closed_at) SELECT * FROM"
                        + " unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::int[], ?::int[], ?::int[], ?::bigint[],"
                        + " ?::timestamptz[], ?::timestamptz[], ?::timestamptz[]) ON CONFLICT (merchant_id, sku) DO"
                        + " UPDATE SET status = EXCLUDED.status, available = EXCLUDED.available, threshold ="
                        + " EXCLUDED.threshold, on_hand = EXCLUDED.on_hand, suggested_quantity ="
                        + " EXCLUDED.suggested_quantity, stock_version = EXCLUDED.stock_version, opened_at ="
                        + " EXCLUDED.opened_at, updated_at = EXCLUDED.updated_at, closed_at = EXCLUDED.closed_at")
                .params(
                        out.stream().map(r -> r.key().merchant()).toArray(String[]::new),
                        out.stream().map(r -> r.key().sku()).toArray(String[]::new),
                        out.stream().map(Suggestion::status).toArray(String[]::new),
                        out.stream().map(Suggestion::available).toArray(Integer[]::new),
                        out.stream().map(Suggestion::threshold).toArray(Integer[]::new),
                        out.stream().map(Suggestion::onHand).toArray(Integer[]::new),
                        out.stream().map(Suggestion::suggested).toArray(Integer[]::new),
                        out.stream().map(Suggestion::version).toArray(Long[]::new),
                        out.stream()
                                .map(r -> r.openedAt()
                                        .truncatedTo(ChronoUnit.MICROS)
                                        .toString())
                                .toArray(String[]::new),
                        out.stream()
                                .map(r -> r.updatedAt()
                                        .truncatedTo(ChronoUnit.MICROS)
                                        .toString())
                                .toArray(String[]::new),
                        out.stream()
                                .map(r -> r.closedAt() == null
                                        ? null
                                        : r.closedAt()
                                                .truncatedTo(ChronoUnit.MICROS)
                                                .toString())
                                .toArray(String[]::new))
                .update();
    }

    private record Key(String merchant, String sku) {}

    /** A SKU's level as a stock event reports it; {@code threshold} is set for a stock-low only. */
    private record Level(Key key, int available, int onHand, long version, Integer threshold, Instant at) {}

    private record Suggestion(
            Key key,
            String status,
            int available,
            int threshold,
            int onHand,
            int suggested,
            long version,
            Instant openedAt,
            Instant updatedAt,
            Instant closedAt) {}

    private static Optional<Level> level(Event e) {
        if (e.type().equals(StockLow.TYPE)) {
            StockLow l = EventJson.read(e.data(), StockLow.class);
            return Optional.of(new Level(
                    new Key(l.merchant(), l.sku()), l.available(), l.onHand(), l.version(), l.threshold(), e.time()));
        } else if (e.type().equals(StockAdjusted.TYPE)) {
            StockAdjusted a = EventJson.read(e.data(), StockAdjusted.class);
            return Optional.of(follow(a.merchant(), a.sku(), a.available(), a.onHand(), a.version(), e.time()));
        } else if (e.type().equals(StockReserved.TYPE)) {
            StockReserved r = EventJson.read(e.data(), StockReserved.class);
            return Optional.of(follow(r.merchant(), r.sku(), r.available(), r.onHand(), r.version(), e.time()));
        } else if (e.type().equals(StockReleased.TYPE)) {
            StockReleased r = EventJson.read(e.data(), StockReleased.class);
            return Optional.of(follow(r.merchant(), r.sku(), r.available(), r.onHand(), r.version(), e.time()));
        } else if (e.type().equals(StockCommitted.TYPE)) {
            StockCommitted c = EventJson.read(e.data(), StockCommitted.class);
            return Optional.of(follow(c.merchant(), c.sku(), c.available(), c.onHand(), c.version(), e.time()));
        }
        return Optional.empty();
    }

    private static Level follow(String merchant, String sku, int available, int onHand, long version, Instant at) {
        return new Level(new Key(merchant, sku), available, onHand, version, null, at);
    }

    /** {@link #open}'s rule: opens the suggestion, or reopens a closed one, unless it shows a later stock. */
    private static Suggestion opened(Suggestion row, Level low) {
        if (row != null && row.version() > low.version()) {
            return row;
        }
        Instant openedAt = row == null || row.status().equals("closed") ? low.at() : row.openedAt();
        return new Suggestion(
                low.key(),
                "open",
                low.available(),
                low.threshold(),
                low.onHand(),
                suggestedQuantity(low.available(), low.threshold()),
                low.version(),
                openedAt,
                low.at(),
                null);
    }

    /** {@link #follow}'s rule: an open suggestion follows a later level, and closes at its threshold. */
    private static Suggestion followed(Suggestion row, Level l) {
        if (row == null || !row.status().equals("open") || row.version() >= l.version()) {
            return row;
        }
        boolean enough = l.available() >= row.threshold();
        return new Suggestion(
                row.key(),
                enough ? "closed" : "open",
                l.available(),
                row.threshold(),
                l.onHand(),
                suggestedQuantity(l.available(), row.threshold()),
                l.version(),
                row.openedAt(),
                l.at(),
                enough ? l.at() : null);
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
                        Timestamp.from(at.truncatedTo(ChronoUnit.MICROS)),
                        Timestamp.from(at.truncatedTo(ChronoUnit.MICROS)))
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
                        Timestamp.from(at.truncatedTo(ChronoUnit.MICROS)),
                        available,
                        available,
                        available,
                        Timestamp.from(at.truncatedTo(ChronoUnit.MICROS)),
                        merchant,
                        sku,
                        version)
                .update();
    }
}
