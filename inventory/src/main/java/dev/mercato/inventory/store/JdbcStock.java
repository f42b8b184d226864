package dev.mercato.inventory.store;

import dev.mercato.catalog.Sku;
import dev.mercato.inventory.StockLevel;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.postgres.CapabilityStore;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;

/** The stock table, reached only through inventory's own role. */
public final class JdbcStock {

    private static final String UPSERT = """
            INSERT INTO stock (sku, merchant_id, on_hand) VALUES (?, ?, ?)
            ON CONFLICT (sku) DO UPDATE SET on_hand = EXCLUDED.on_hand, version = stock.version + 1, updated_at = now()
            WHERE stock.merchant_id = EXCLUDED.merchant_id AND stock.on_hand <> EXCLUDED.on_hand""";

    private final CapabilityStore store;
    private final JdbcTemplate batch;

    public JdbcStock(CapabilityStore store) {
        this.store = store;
        this.batch = new JdbcTemplate(store.dataSource());
    }

    public Optional<StockLevel> find(Sku sku) {
        return store.jdbc()
                .sql("SELECT sku, merchant_id, on_hand, reserved, version FROM stock WHERE sku = ?")
                .param(sku.value())
                .query((rs, i) -> new StockLevel(
                        Sku.of(rs.getString(1)),
                        MerchantId.of(rs.getString(2)),
                        rs.getInt(3),
                        rs.getInt(4),
                        rs.getLong(5)))
                .optional();
    }

    public void setOnHand(MerchantId merchant, Map<Sku, Integer> onHand) {
        onHand.forEach((sku, qty) -> {
            if (qty < 0 || qty > 1_000_000_000) {
                throw new InvalidInput("onHand", "must be 0-1000000000, got " + qty + " for " + sku);
            }
        });
        try {
            store.transactions().executeWithoutResult(status -> {
                var rows = new ArrayList<>(onHand.entrySet());
                batch.batchUpdate(UPSERT, rows, 500, (ps, e) -> {
                    ps.setString(1, e.getKey().value());
                    ps.setString(2, merchant.value());
                    ps.setInt(3, e.getValue());
                });
                long foreign = store.jdbc()
                        .sql("SELECT count(*) FROM stock WHERE sku = ANY(?) AND merchant_id <> ?")
                        .param(onHand.keySet().stream().map(Sku::value).toArray(String[]::new))
                        .param(merchant.value())
                        .query(Long.class)
                        .single();
                if (foreign > 0) {
                    throw new InvalidInput("sku", "belongs to another merchant");
                }
            });
        } catch (DataIntegrityViolationException e) {
            throw new InvalidInput("onHand", "must not drop below the quantity already reserved");
        }
    }
}
