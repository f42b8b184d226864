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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DataIntegrityViolationException;

/** The stock table, reached only through inventory's own role. */
public final class JdbcStock {

    /** One statement for the whole map; RETURNING names exactly the rows inserted or changed. */
    private static final String UPSERT = """
            INSERT INTO stock (sku, merchant_id, on_hand)
            SELECT sku, ?, on_hand FROM unnest(?::text[], ?::int[]) AS d(sku, on_hand)
            ON CONFLICT (sku) DO UPDATE SET on_hand = EXCLUDED.on_hand, version = stock.version + 1, updated_at = now()
            WHERE stock.merchant_id = EXCLUDED.merchant_id AND stock.on_hand <> EXCLUDED.on_hand
            RETURNING sku""";

    private static final String LEVELS = "SELECT sku, merchant_id, on_hand, reserved, version FROM stock";

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

    /**
     * Sets on-hand for one merchant's SKUs in one transaction, with a {@link StockAdjusted} event per
     * changed SKU; refused whole if any SKU belongs to another merchant or would drop below its reserved.
     */
    public List<ConsistencyToken> setOnHand(MerchantId merchant, Map<Sku, Integer> onHand) {
        onHand.forEach((sku, qty) -> {
            if (qty == null || qty < 0 || qty > 1_000_000_000) {
                throw new InvalidInput("onHand", "must be 0-1000000000, got " + qty + " for " + sku);
            }
        });
        var rows = new ArrayList<>(onHand.entrySet());
        String[] skus = rows.stream().map(e -> e.getKey().value()).toArray(String[]::new);
        try {
            return store.transactions().execute(status -> {
                long foreign = store.jdbc()
                        .sql("SELECT count(*) FROM stock WHERE sku = ANY(?) AND merchant_id <> ?")
                        .param(skus)
                        .param(merchant.value())
                        .query(Long.class)
                        .single();
                if (foreign > 0) {
                    throw new InvalidInput("sku", "belongs to another merchant");
                }
                List<String> changed = store.jdbc()
                        .sql(UPSERT)
                        .param(merchant.value())
                        .param(skus)
                        .param(rows.stream().map(Map.Entry::getValue).toArray(Integer[]::new))
                        .query(String.class)
                        .list();
                return publish(changed);
            });
        } catch (DataIntegrityViolationException e) {
            throw new InvalidInput("onHand", "must not drop below the quantity already reserved");
        }
    }

    private List<ConsistencyToken> publish(List<String> skus) {
        if (skus.isEmpty()) {
            return List.of();
        }
        List<StockLevel> levels = store.jdbc()
                .sql(LEVELS + " WHERE sku = ANY(?) ORDER BY sku")
                .param(skus.toArray(String[]::new))
                .query(JdbcStock::level)
                .list();
        return outbox.appendAll(levels.stream()
                .map(l -> new Outbox.Draft(
                        StockAdjusted.TYPE,
                        l.merchant(),
                        l.sku().value(),
                        new StockAdjusted(
                                l.sku().value(),
                                l.merchant().value(),
                                l.onHand(),
                                l.reserved(),
                                l.available(),
                                l.version())))
                .toList());
    }

    private static StockLevel level(ResultSet rs, int row) throws SQLException {
        return new StockLevel(
                Sku.of(rs.getString(1)), MerchantId.of(rs.getString(2)), rs.getInt(3), rs.getInt(4), rs.getLong(5));
    }
}
