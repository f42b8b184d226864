package dev.mercato.catalog;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.ConsistencyToken;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The catalog's published API: the only way another capability or the composition root reaches it. */
public interface Catalog {

    Optional<Product> product(Sku sku);

    /** Many products at once, from the source of truth (checkout prices an order with this), in SKU order. */
    List<Product> products(Collection<Sku> skus);

    /** Products on sale, ordered by SKU, optionally in one category subtree, starting after {@code afterSku}. */
    List<Product> products(Optional<String> category, Optional<Sku> afterSku, int limit);

    /** One merchant's products, retired ones included, ordered by SKU, starting after {@code afterSku}. */
    List<Product> productsOf(MerchantId merchant, Optional<Sku> afterSku, int limit);

    /**
     * Creates or changes products in one transaction; an unchanged product keeps its version. Returns a
     * consistency token per changed product, for reading the change back from derived views.
     */
    List<ConsistencyToken> upsert(List<ProductDraft> drafts);

    /**
     * Takes a merchant's product off sale (idempotent). A product of another merchant is {@link
     * dev.mercato.plane.NotFound} for this merchant.
     */
    List<ConsistencyToken> retire(MerchantId merchant, Sku sku);

    long count();

    /** Every category path with its product count, in path order. */
    List<CategoryCount> categories();

    record CategoryCount(String path, long products) {}
}
