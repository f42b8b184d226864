package dev.mercato.catalog.store;

import dev.mercato.catalog.Catalog.CategoryCount;
import dev.mercato.catalog.Product;
import dev.mercato.catalog.ProductDraft;
import dev.mercato.catalog.Sku;
import dev.mercato.catalog.events.ProductPriceChanged;
import dev.mercato.catalog.events.ProductRetired;
import dev.mercato.catalog.events.ProductUpserted;
import dev.mercato.plane.Forbidden;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.events.ConsistencyToken;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.web.MoneyJson;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The catalog's tables, reached only through the catalog's own role. */
public final class JdbcProducts {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String COLUMNS = "sku, merchant_id, title, description, category, price_amount, currency,"
            + " attributes::text AS attributes, status, version, updated_at";

    private final CapabilityStore store;
    private final Outbox outbox;
    private final JdbcTemplate batch;

    public JdbcProducts(CapabilityStore store, Outbox outbox) {
        this.store = store;
        this.outbox = outbox;
        this.batch = new JdbcTemplate(store.dataSource());
    }

    public Optional<Product> find(Sku sku) {
        return store.jdbc()
                .sql("SELECT " + COLUMNS + " FROM products WHERE sku = ?")
                .param(sku.value())
                .query(JdbcProducts::product)
                .optional();
    }

    public List<Product> find(Collection<Sku> skus) {
        return store.jdbc()
                .sql("SELECT " + COLUMNS + " FROM products WHERE sku = ANY(?) ORDER BY sku")
                .param(skus.stream().map(Sku::value).distinct().toArray(String[]::new))
                .query(JdbcProducts::product)
                .list();
    }

    public List<Product> pageOf(MerchantId merchant, Optional<Sku> after, int limit) {
        return store.jdbc()
                .sql("SELECT " + COLUMNS + " FROM products WHERE merchant_id = ? AND sku > ? ORDER BY sku LIMIT ?")
                .param(merchant.value())
                .param(after.map(Sku::value).orElse(""))
                .param(limit)
                .query(JdbcProducts::product)
                .list();
    }

    /** Retires a merchant's product with its events; empty when it was retired already. */
    public List<ConsistencyToken> retire(MerchantId merchant, Sku sku) {
        return store.transactions().execute(status -> {
            Product current = store.jdbc()
                    .sql("SELECT " + COLUMNS + " FROM products WHERE sku = ? FOR UPDATE")
                    .param(sku.value())
                    .query(JdbcProducts::product)
                    .optional()
                    .filter(p -> p.merchant().equals(merchant))
                    .orElseThrow(() -> new NotFound("product", sku.value()));
            if (!current.onSale()) {
                return List.of();
            }
            store.jdbc()
                    .sql("UPDATE products SET status = 'retired', version = version + 1, updated_at = now()"
                            + " WHERE sku = ?")
                    .param(sku.value())
                    .update();
            Product retired = find(sku).orElseThrow();
            return outbox.appendAll(List.of(
                    upserted(retired),
                    new Outbox.Draft(
                            ProductRetired.TYPE,
                            retired.merchant(),
                            sku.value(),
                            new ProductRetired(
                                    sku.value(), merchant.value(), retired.version(), retired.updatedAt()))));
        });
    }

    public List<Product> page(Optional<String> category, Optional<Sku> after, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM products WHERE status = 'active' AND sku > ?"
                + (category.isPresent() ? " AND (category = ? OR category LIKE ?)" : "")
                + " ORDER BY sku LIMIT ?";
        var spec = store.jdbc().sql(sql).param(after.map(Sku::value).orElse(""));
        if (category.isPresent()) {
            spec = spec.param(category.get()).param(category.get() + "/%");
        }
        return spec.param(limit).query(JdbcProducts::product).list();
    }

    public long count() {
        return store.jdbc()
                .sql("SELECT count(*) FROM products")
                .query(Long.class)
                .single();
    }

    public List<CategoryCount> categories() {
        return store.jdbc()
                .sql("""
                        SELECT c.path, count(p.sku) AS products
                        FROM categories c LEFT JOIN products p ON p.category = c.path OR p.category LIKE c.path || '/%'
                        GROUP BY c.path ORDER BY c.path""")
                .query((rs, i) -> new CategoryCount(rs.getString("path"), rs.getLong("products")))
                .list();
    }

    /**
     * Writes all drafts in one transaction, with a {@link ProductUpserted} event for each product that
     * changed; a product owned by another merchant is refused whole.
     */
    public List<ConsistencyToken> upsert(List<ProductDraft> drafts) {
        Map<String, ProductDraft> bySku = new java.util.LinkedHashMap<>();
        drafts.forEach(d -> bySku.put(d.sku().value(), d));
        List<ProductDraft> unique = List.copyOf(bySku.values());
        return store.transactions().execute(status -> {
            refuseForeignSkus(unique);
            insertCategories(unique);
            Map<String, Money> pricesBefore = new java.util.HashMap<>();
            store.jdbc()
                    .sql("SELECT sku, price_amount, currency FROM products WHERE sku = ANY(?) ORDER BY sku FOR UPDATE")
                    .param(column(unique, d -> d.sku().value()))
                    .query((ResultSet rs) -> {
                        pricesBefore.put(
                                rs.getString(1),
                                new Money(rs.getBigDecimal(2), rs.getString(3).strip()));
                    });
            // One statement for the whole list; RETURNING names exactly the rows inserted or changed.
            List<String> changed = store.jdbc()
                    .sql(UPSERT)
                    .param(column(unique, d -> d.sku().value()))
                    .param(column(unique, d -> d.merchant().value()))
                    .param(column(unique, ProductDraft::title))
                    .param(column(unique, ProductDraft::description))
                    .param(column(unique, ProductDraft::category))
                    .param(column(unique, d -> d.price().amount().toPlainString()))
                    .param(column(unique, d -> d.price().currency()))
                    .param(column(unique, d -> JSON.writeValueAsString(d.attributes())))
                    .query(String.class)
                    .list();
            return publishChanged(changed, pricesBefore);
        });
    }

    private static final String UPSERT = """
            INSERT INTO products (sku, merchant_id, title, description, category, price_amount, currency, attributes)
            SELECT sku, merchant_id, title, description, category, price::numeric, currency, attributes::jsonb
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                 AS d(sku, merchant_id, title, description, category, price, currency, attributes)
            ON CONFLICT (sku) DO UPDATE SET
                title = EXCLUDED.title, description = EXCLUDED.description, category = EXCLUDED.category,
                price_amount = EXCLUDED.price_amount, currency = EXCLUDED.currency,
                attributes = EXCLUDED.attributes, status = 'active',
                version = products.version + 1, updated_at = now()
            WHERE (products.title, products.description, products.category, products.price_amount,
                   products.currency, products.attributes, products.status)
                  IS DISTINCT FROM
                  (EXCLUDED.title, EXCLUDED.description, EXCLUDED.category, EXCLUDED.price_amount,
                   EXCLUDED.currency, EXCLUDED.attributes, 'active')
            RETURNING sku""";

    private static String[] column(List<ProductDraft> drafts, java.util.function.Function<ProductDraft, String> f) {
        return drafts.stream().map(f).toArray(String[]::new);
    }

    private List<ConsistencyToken> publishChanged(List<String> skus, Map<String, Money> pricesBefore) {
        if (skus.isEmpty()) {
            return List.of();
        }
        List<Product> products = store.jdbc()
                .sql("SELECT " + COLUMNS + " FROM products WHERE sku = ANY(?) ORDER BY sku")
                .param(skus.toArray(String[]::new))
                .query(JdbcProducts::product)
                .list();
        List<Outbox.Draft> drafts = new ArrayList<>();
        for (Product p : products) {
            drafts.add(upserted(p));
            Money before = pricesBefore.get(p.sku().value());
            if (before != null && !before.equals(p.price())) {
                drafts.add(new Outbox.Draft(
                        ProductPriceChanged.TYPE,
                        p.merchant(),
                        p.sku().value(),
                        new ProductPriceChanged(
                                p.sku().value(),
                                p.merchant().value(),
                                MoneyJson.of(before),
                                MoneyJson.of(p.price()),
                                p.version(),
                                p.updatedAt())));
            }
        }
        return outbox.appendAll(drafts);
    }

    private static Outbox.Draft upserted(Product p) {
        return new Outbox.Draft(ProductUpserted.TYPE, p.merchant(), p.sku().value(), ProductUpserted.of(p));
    }

    private void refuseForeignSkus(List<ProductDraft> drafts) {
        Map<String, String> owners = new java.util.HashMap<>();
        drafts.forEach(d -> owners.put(d.sku().value(), d.merchant().value()));
        List<String> taken = store
                .jdbc()
                .sql("SELECT sku, merchant_id FROM products WHERE sku = ANY(?)")
                .param(owners.keySet().toArray(String[]::new))
                .query((rs, i) -> owners.get(rs.getString(1)).equals(rs.getString(2)) ? null : rs.getString(1))
                .list()
                .stream()
                .filter(java.util.Objects::nonNull)
                .toList();
        if (!taken.isEmpty()) {
            throw new Forbidden("SKU " + String.join(", ", taken) + " belongs to another merchant");
        }
    }

    private void insertCategories(List<ProductDraft> drafts) {
        Set<String> paths = new LinkedHashSet<>();
        for (ProductDraft d : drafts) {
            String[] parts = d.category().split("/");
            StringBuilder path = new StringBuilder();
            for (String part : parts) {
                path.append(path.isEmpty() ? "" : "/").append(part);
                paths.add(path.toString());
            }
        }
        List<String> ordered = new ArrayList<>(paths);
        batch.batchUpdate(
                "INSERT INTO categories (path, parent, name) VALUES (?, ?, ?) ON CONFLICT (path) DO NOTHING",
                ordered,
                500,
                (ps, path) -> {
                    int slash = path.lastIndexOf('/');
                    ps.setString(1, path);
                    ps.setString(2, slash < 0 ? null : path.substring(0, slash));
                    ps.setString(3, path.substring(slash + 1));
                });
    }

    private static Product product(ResultSet rs, int row) throws SQLException {
        return new Product(
                Sku.of(rs.getString("sku")),
                MerchantId.of(rs.getString("merchant_id")),
                rs.getString("title"),
                rs.getString("description"),
                rs.getString("category"),
                new Money(
                        rs.getBigDecimal("price_amount"),
                        rs.getString("currency").strip()),
                JSON.readValue(rs.getString("attributes"), new TypeReference<Map<String, String>>() {}),
                rs.getString("status"),
                rs.getLong("version"),
                rs.getTimestamp("updated_at").toInstant());
    }
}
