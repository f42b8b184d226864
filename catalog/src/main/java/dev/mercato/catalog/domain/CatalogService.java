package dev.mercato.catalog.domain;

import dev.mercato.catalog.Catalog;
import dev.mercato.catalog.Product;
import dev.mercato.catalog.ProductDraft;
import dev.mercato.catalog.Sku;
import dev.mercato.catalog.cache.ProductCache;
import dev.mercato.catalog.store.JdbcProducts;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.ConsistencyToken;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The catalog's rules over its store. */
public final class CatalogService implements Catalog {

    static final int MAX_PAGE = 200;

    private final JdbcProducts products;
    private final ProductCache cache;

    public CatalogService(JdbcProducts products, ProductCache cache) {
        this.products = products;
        this.cache = cache;
    }

    /** Through the cache: a product page or a cart line may be a moment stale, never checkout. */
    @Override
    public Optional<Product> product(Sku sku) {
        return cache.get(sku);
    }

    @Override
    public List<Product> products(Optional<String> category, Optional<Sku> afterSku, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidInput("limit", "must be 1-" + MAX_PAGE + ", got " + limit);
        }
        return products.page(category, afterSku, limit);
    }

    @Override
    public List<Product> products(Collection<Sku> skus) {
        if (skus.size() > MAX_PAGE) {
            throw new InvalidInput("skus", "at most " + MAX_PAGE + " at once");
        }
        return skus.isEmpty() ? List.of() : products.find(skus);
    }

    @Override
    public List<Product> productsOf(MerchantId merchant, Optional<Sku> afterSku, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidInput("limit", "must be 1-" + MAX_PAGE + ", got " + limit);
        }
        return products.pageOf(merchant, afterSku, limit);
    }

    @Override
    public List<ConsistencyToken> retire(MerchantId merchant, Sku sku) {
        List<ConsistencyToken> tokens = products.retire(merchant, sku);
        cache.invalidate(sku);
        return tokens;
    }

    @Override
    public List<ConsistencyToken> upsert(List<ProductDraft> drafts) {
        if (drafts.isEmpty()) {
            return List.of();
        }
        List<ConsistencyToken> tokens = products.upsert(drafts);
        // This process reads its own writes at once; other instances learn from the events.
        drafts.forEach(d -> cache.invalidate(d.sku()));
        return tokens;
    }

    @Override
    public long count() {
        return products.count();
    }

    @Override
    public List<CategoryCount> categories() {
        return products.categories();
    }
}
