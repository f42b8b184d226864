package dev.mercato.inventory.store;

import dev.mercato.catalog.Sku;
import dev.mercato.inventory.StockLevel;
import dev.mercato.inventory.events.StockAdjusted;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.ConsistencyToken;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.postgres.CapabilityStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The stock table, reached only through inventory's own role. */
public final class JdbcStock {

    /** One statement for the whole map; RETURNING names exactly the rows inserted or changed. */
    private static final String UPSERT = """
            INSERT INTO stock (sku, merchant_id, on_hand, low_threshold)
            SELECT sku, ?, on_hand, coalesce(low_threshold, 5)
            FROM unnest(?::text[], ?::int[], ?::int[]) AS d(sku, on_hand, low_threshold)
            ON CONFLICT (sku) DO UPDATE SET on_hand = EXCLUDED.on_hand,
                low_threshold = CASE WHEN EXCLUDED.sku = ANY(?::text[])
                                     THEN EXCLUDED.low_threshold ELSE stock.low_threshold END,
                version = stock.version + 1, updated_at = now()
            WHERE stock.merchant_id = EXCLUDED.merchant_id
              AND (stock.on_hand <> EXCLUDED.on_hand
                   OR (EXCLUDED.sku = ANY(?::text[]) AND stock.low_threshold <> EXCLUDED.low_threshold))
            RETURNING sku""";

    static final String LEVELS = "SELECT sku, merchant_id, on_hand, reserved, low_threshold, version FROM stock";

    private final CapabilityStore store;
    private final Outbox outbox;

    public JdbcStock(CapabilityStore store, Outbox outbox) {
        this.store = store;
        this.outbox = outbox;
    }

    public Optional<StockLevel> find(Sku sku) {
        return store.jdbc()
                .sql(LEVELS + " WHERE sku = ?")
                .param(sku.value())
                .query(JdbcStock::level)
                .optional();
    }

    public List<StockLevel> find(List<Sku> skus) {
        return store.jdbc()
                .sql(LEVELS + " WHERE sku = ANY(?) ORDER BY sku")
                .param(skus.stream().map(Sku::value).toArray(String[]::new))
                .query(JdbcStock::level)
                .list();
    }

    public List<StockLevel> page(MerchantId merchant, Optional<Sku> after, int limit) {
        return store.jdbc()
                .sql(LEVELS + " WHERE merchant_id = ? AND sku > ? ORDER BY sku LIMIT ?")
                .param(merchant.value())
                .param(after.map(Sku::value).orElse(""))
                .param(limit)
                .query(JdbcStock::level)
                .list();
    }

    /** Every stock row, in SKU order, starting after {@code after}. */
    public List<StockLevel> pageAll(Optional<Sku> after, int limit) {
        return store.jdbc()
                .sql(LEVELS + " WHERE sku > ? ORDER BY sku LIMIT ?")
                .param(after.map(Sku::value).orElse(""))
                .param(limit)
                .query(JdbcStock::level)
                .list();
    }

    /**
     * Gives a stock row held by a merchant that does not own the SKU to the SKU's owner, with nothing more to
     * sell than what live reservations hold (on-hand set to reserved): the count the wrong merchant set is
     * not the owner's, so the owner counts again. One transaction with its {@link StockAdjusted} event;
     * empty when the row is not held by {@code holder} any more.
     */
    public Optional<StockLevel> giveToOwner(Sku sku, MerchantId holder, MerchantId owner) {
        return store.transactions().execute(status -> {
            List<StockLevel> locked = lockLevels(store.jdbc(), new String[] {sku.value()});
            if (locked.isEmpty() || !locked.getFirst().merchant().equals(holder)) {
                return Optional.<StockLevel>empty();
            }
            store.jdbc()
                    .sql(
                            "UPDATE stock SET merchant_id = ?, on_hand = reserved, version = version + 1, updated_at = now()"
                                    + " WHERE sku = ?")
                    .params(owner.value(), sku.value())
                    .update();
            StockLevel now = find(sku).orElseThrow();
            outbox.append(StockAdjusted.TYPE, owner, sku.value(), adjusted(now));
            return Optional.of(now);
        });
    }

    /**
     * Deletes the stock row of a SKU no catalog has, when no reservation ever held it (a reservation's lines
     * keep their stock row, as the record reserved is reconciled against). Its last event says nothing is on
     * hand, so views drop it. False when reservations hold it or it is gone or held by another merchant now.
     */
    public boolean removeOrphan(Sku sku, MerchantId holder) {
        return Boolean.TRUE.equals(store.transactions().execute(status -> {
            List<StockLevel> locked = lockLevels(store.jdbc(), new String[] {sku.value()});
            if (locked.isEmpty() || !locked.getFirst().merchant().equals(holder)) {
                return false;
            }
            boolean reserved = store.jdbc()
                    .sql("SELECT EXISTS (SELECT 1 FROM reservation_lines WHERE sku = ?)")
                    .param(sku.value())
                    .query(Boolean.class)
                    .single();
            if (reserved) {
                return false;
            }
            StockLevel was = locked.getFirst();
            store.jdbc()
                    .sql("DELETE FROM stock WHERE sku = ?")
                    .param(sku.value())
                    .update();
            outbox.append(
                    StockAdjusted.TYPE,
                    holder,
                    sku.value(),
                    new StockAdjusted(sku.value(), holder.value(), 0, 0, 0, was.version() + 1, "set"));
            return true;
        }));
    }

    private static StockAdjusted adjusted(StockLevel l) {
        return new StockAdjusted(
                l.sku().value(), l.merchant().value(), l.onHand(), l.reserved(), l.available(), l.version(), "set");
    }

    /**
     * Sets on-hand (and, where given, the low threshold) for one merchant's SKUs in one transaction, with
     * a {@link StockAdjusted} event per changed SKU; refused whole if any SKU belongs to another merchant
     * or would drop below its reserved.
     */
    public List<ConsistencyToken> setOnHand(
            MerchantId merchant, Map<Sku, Integer> onHand, Map<Sku, Integer> thresholds) {
        onHand.forEach((sku, qty) -> {
            if (qty == null || qty < 0 || qty > 1_000_000_000) {
                throw new InvalidInput("onHand", "must be 0-1000000000, got " + qty + " for " + sku);
            }
        });
        thresholds.forEach((sku, t) -> {
            if (t == null || t < 0 || t > 1_000_000_000) {
                throw new InvalidInput("lowThreshold", "must be 0-1000000000, got " + t + " for " + sku);
            }
        });
        // Rows are locked in SKU order everywhere in inventory, so two transactions never deadlock.
        List<Sku> skus = onHand.keySet().stream()
                .sorted(Comparator.comparing(Sku::value))
                .toList();
        String[] skuArray = skus.stream().map(Sku::value).toArray(String[]::new);
        Integer[] given = skus.stream().map(thresholds::get).toArray(Integer[]::new);
        try {
            return store.transactions().execute(status -> {
                Map<String, StockLevel> before = lockLevels(store.jdbc(), skuArray).stream()
                        .collect(Collectors.toMap(l -> l.sku().value(), Function.identity()));
                if (before.values().stream().anyMatch(l -> !l.merchant().equals(merchant))) {
                    throw new InvalidInput("sku", "belongs to another merchant");
                }
                List<String> changed = store.jdbc()
                        .sql(UPSERT)
                        .param(merchant.value())
                        .param(skuArray)
                        .param(skus.stream().map(onHand::get).toArray(Integer[]::new))
                        .param(given)
                        .param(thresholdSkus(skus, thresholds))
                        .param(thresholdSkus(skus, thresholds))
                        .query(String.class)
                        .list();
                return publish(changed, before);
            });
        } catch (DataIntegrityViolationException e) {
            throw new InvalidInput("onHand", "must not drop below the quantity already reserved");
        }
    }

    private static String[] thresholdSkus(List<Sku> skus, Map<Sku, Integer> thresholds) {
        return skus.stream().filter(thresholds::containsKey).map(Sku::value).toArray(String[]::new);
    }

    static List<StockLevel> lockLevels(JdbcClient jdbc, String[] skus) {
        return jdbc.sql(LEVELS + " WHERE sku = ANY(?) ORDER BY sku FOR UPDATE")
                .param(skus)
                .query(JdbcStock::level)
                .list();
    }

    private List<ConsistencyToken> publish(List<String> skus, Map<String, StockLevel> before) {
        if (skus.isEmpty()) {
            return List.of();
        }
        List<StockLevel> levels = store.jdbc()
                .sql(LEVELS + " WHERE sku = ANY(?) ORDER BY sku")
                .param(skus.toArray(String[]::new))
                .query(JdbcStock::level)
                .list();
        List<Outbox.Draft> drafts = new ArrayList<>();
        for (StockLevel l : levels) {
            drafts.add(
                    new Outbox.Draft(StockAdjusted.TYPE, l.merchant(), l.sku().value(), adjusted(l)));
            StockLevel was = before.get(l.sku().value());
            // A new SKU counts as coming from "enough": it fires stock-low when it starts below its threshold.
            StockEvents.lowIfCrossed(was == null ? Integer.MAX_VALUE : was.available(), l, drafts);
        }
        return outbox.appendAll(drafts);
    }

    static StockLevel level(ResultSet rs, int row) throws SQLException {
        return new StockLevel(
                Sku.of(rs.getString(1)),
                MerchantId.of(rs.getString(2)),
                rs.getInt(3),
                rs.getInt(4),
                rs.getInt(5),
                rs.getLong(6));
    }
}
