package dev.mercato.search.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One SKU as the search view knows it, merged from the catalog's product events and inventory's stock
 * events. Either may come first: a SKU with stock but no product yet is kept (so its stock is not lost)
 * and not listed until the product arrives. It remembers the last sequence applied from each stream, so
 * an event delivered again, however late, changes nothing.
 *
 * @param product null until the catalog's first event for the SKU
 * @param available null until inventory's first event for the SKU
 */
record Listing(
        String key,
        String merchant,
        String sku,
        Product product,
        Integer available,
        long catalogSequence,
        long stockSequence) {

    /**
     * @param listedAt when the product was first upserted: the "newest" order, kept across later changes
     */
    record Product(
            String title,
            String description,
            String category,
            BigDecimal price,
            String currency,
            boolean active,
            Instant listedAt) {

        Product {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(category, "category");
            Objects.requireNonNull(price, "price");
            Objects.requireNonNull(currency, "currency");
            Objects.requireNonNull(listedAt, "listedAt");
            description = description == null ? "" : description;
        }
    }

    Listing {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(merchant, "merchant");
        Objects.requireNonNull(sku, "sku");
    }

    static Listing none(ListingChange first) {
        return new Listing(first.key(), first.merchant(), first.sku(), null, null, 0, 0);
    }

    /** Shown in results: a product that is on sale. Retired and stock-only listings are kept, not shown. */
    boolean listed() {
        return product != null && product.active();
    }

    /** Indicative only: the view may lag inventory. */
    boolean inStock() {
        return available != null && available > 0;
    }

    long lastSequence(ListingChange.Stream stream) {
        return stream == ListingChange.Stream.CATALOG ? catalogSequence : stockSequence;
    }

    /**
     * This listing with {@code change} applied, or this very listing when the change is not newer than what
     * it already has from the change's stream (a duplicate or a redelivery).
     */
    Listing apply(ListingChange change) {
        if (!change.key().equals(key)) {
            throw new IllegalArgumentException("change for " + change.key() + " applied to " + key);
        }
        if (change.sequence() <= lastSequence(change.stream())) {
            return this;
        }
        long catalog = change.stream() == ListingChange.Stream.CATALOG ? change.sequence() : catalogSequence;
        long stock = change.stream() == ListingChange.Stream.INVENTORY ? change.sequence() : stockSequence;
        Product p = product;
        Integer a = available;
        switch (change) {
            case ListingChange.ProductChanged c ->
                p = new Product(
                        c.title(),
                        c.description(),
                        c.category(),
                        c.price(),
                        c.currency(),
                        c.active(),
                        product == null ? c.at() : product.listedAt());
            case ListingChange.PriceChanged c -> {
                if (p != null) {
                    p = new Product(
                            p.title(),
                            p.description(),
                            p.category(),
                            c.price(),
                            c.currency(),
                            p.active(),
                            p.listedAt());
                }
            }
            case ListingChange.Retired c -> {
                if (p != null) {
                    p = new Product(
                            p.title(), p.description(), p.category(), p.price(), p.currency(), false, p.listedAt());
                }
            }
            case ListingChange.StockChanged c -> a = c.available();
            case ListingChange.Noted c -> {
                // Only the sequence moves.
            }
        }
        return new Listing(key, merchant, sku, p, a, catalog, stock);
    }
}
