package dev.mercato.search.store;

import dev.mercato.search.Search;
import java.math.BigDecimal;
import java.util.Optional;

/** Discovery queries for tests: everything, 20 a page, by relevance, unless told otherwise. */
final class Queries {

    private String text;
    private String category;
    private BigDecimal min;
    private BigDecimal max;
    private Boolean inStock;
    private Search.Sort sort = Search.Sort.RELEVANCE;
    private int limit = 20;
    private int offset;

    static Queries everything() {
        return new Queries();
    }

    static Queries text(String text) {
        return new Queries().words(text);
    }

    Queries words(String text) {
        this.text = text;
        return this;
    }

    Queries category(String category) {
        this.category = category;
        return this;
    }

    Queries price(String min, String max) {
        this.min = min == null ? null : new BigDecimal(min);
        this.max = max == null ? null : new BigDecimal(max);
        return this;
    }

    Queries inStock(boolean inStock) {
        this.inStock = inStock;
        return this;
    }

    Queries sort(Search.Sort sort) {
        this.sort = sort;
        return this;
    }

    Queries page(int offset, int limit) {
        this.offset = offset;
        this.limit = limit;
        return this;
    }

    Search.Query build() {
        return new Search.Query(
                Optional.ofNullable(text),
                Optional.ofNullable(category),
                Optional.ofNullable(min),
                Optional.ofNullable(max),
                Optional.ofNullable(inStock),
                sort,
                limit,
                offset);
    }
}
