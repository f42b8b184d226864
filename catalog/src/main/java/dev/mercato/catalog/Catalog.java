package dev.mercato.catalog;

import dev.mercato.plane.events.ConsistencyToken;
import java.util.List;
import java.util.Optional;

/** The catalog's published API: the only way another capability or the composition root reaches it. */
public interface Catalog {

    Optional<Product> product(Sku sku);

    /** Products ordered by SKU, optionally in one category subtree, starting after {@code afterSku}. */
    List<Product> products(Optional<String> category, Optional<Sku> afterSku, int limit);

    /**
     * Creates or changes products in one transaction; an unchanged product keeps its version. Returns a
     * consistency token per changed product, for reading the change back from derived views.
     */
    List<ConsistencyToken> upsert(List<ProductDraft> drafts);

    long count();

    /** Every category path with its product count, in path order. */
    List<CategoryCount> categories();

    record CategoryCount(String path, long products) {}
}
