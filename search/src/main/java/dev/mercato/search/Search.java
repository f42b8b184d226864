package dev.mercato.search;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Discovery over the catalog, from a view derived from catalog and inventory events. It may lag: its
 * in-stock flag is indicative and never decides whether something can be sold.
 */
public interface Search {

    Results search(Query query);

    /**
     * @param text words that must all appear in the title or description; empty for everything
     * @param category a category path; matches it and everything below it
     * @param sort relevance, price-asc, price-desc or newest
     * @param offset where the page starts (from the cursor)
     */
    record Query(
            Optional<String> text,
            Optional<String> category,
            Optional<BigDecimal> minPrice,
            Optional<BigDecimal> maxPrice,
            Optional<Boolean> inStock,
            Sort sort,
            int limit,
            int offset) {}

    enum Sort {
        RELEVANCE,
        PRICE_ASC,
        PRICE_DESC,
        NEWEST
    }

    record Hit(
            String sku,
            String merchant,
            String title,
            String category,
            BigDecimal price,
            String currency,
            boolean inStock,
            Integer available) {}

    /** @param facets facet name to value to count, e.g. category to path to count */
    record Results(List<Hit> items, Map<String, Map<String, Long>> facets, long total, int nextOffset) {}
}
