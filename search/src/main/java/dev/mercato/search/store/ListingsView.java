package dev.mercato.search.store;

import dev.mercato.catalog.events.ProductUpserted;
import dev.mercato.inventory.events.StockAdjusted;
import dev.mercato.plane.consume.Generation;
import dev.mercato.plane.consume.View;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.Topics;
import java.math.BigDecimal;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One row per SKU, merged from the catalog's product events and inventory's stock events. Either may
 * arrive first; a row without a title yet is not listed.
 */
public final class ListingsView implements View {

    public static final String NAME = "search";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> topics() {
        return List.of(Topics.of("catalog"), Topics.of("inventory"));
    }

    @Override
    public void createTables(JdbcClient tx, Generation g) {
        String t = g.table("listings");
        tx.sql("CREATE TABLE IF NOT EXISTS " + t + " ("
                        + " sku text PRIMARY KEY, merchant_id text NOT NULL, title text, description text,"
                        + " category text, price numeric(14, 4), currency text, status text,"
                        + " available integer, product_version bigint, listed_at timestamptz)")
                .update();
        tx.sql("CREATE INDEX IF NOT EXISTS " + t + "_category ON " + t + " (category)")
                .update();
    }

    @Override
    public void dropTables(JdbcClient tx, Generation g) {
        tx.sql("DROP TABLE IF EXISTS " + g.table("listings")).update();
    }

    @Override
    public void apply(Event event, JdbcClient tx, Generation g) {
        String t = g.table("listings");
        if (event.type().equals(ProductUpserted.TYPE)) {
            ProductUpserted p = EventJson.read(event.data(), ProductUpserted.class);
            tx.sql("INSERT INTO " + t + " (sku, merchant_id, title, description, category, price, currency, status,"
                            + " product_version, listed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                            + " ON CONFLICT (sku) DO UPDATE SET title = EXCLUDED.title,"
                            + " description = EXCLUDED.description, category = EXCLUDED.category,"
                            + " price = EXCLUDED.price, currency = EXCLUDED.currency, status = EXCLUDED.status,"
                            + " product_version = EXCLUDED.product_version,"
                            + " listed_at = coalesce(" + t + ".listed_at, EXCLUDED.listed_at)")
                    .params(
                            p.sku(),
                            p.merchant(),
                            p.title(),
                            p.description(),
                            p.category(),
                            new BigDecimal(p.price().amount()),
                            p.price().currency(),
                            p.status(),
                            p.version(),
                            java.sql.Timestamp.from(event.time()))
                    .update();
        } else if (event.type().equals(StockAdjusted.TYPE)) {
            StockAdjusted s = EventJson.read(event.data(), StockAdjusted.class);
            tx.sql("INSERT INTO " + t + " (sku, merchant_id, available) VALUES (?, ?, ?)"
                            + " ON CONFLICT (sku) DO UPDATE SET available = EXCLUDED.available")
                    .params(s.sku(), s.merchant(), s.available())
                    .update();
        }
        // Other event types on these topics are not this view's business.
    }
}
