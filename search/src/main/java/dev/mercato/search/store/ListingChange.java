package dev.mercato.search.store;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * What one event does to one SKU's listing, decoded from the log and free of any engine: the same changes
 * feed the Lucene index and any later one. Each names the stream it came from and its sequence there,
 * which is how an index applies it at most once.
 */
sealed interface ListingChange {

    /** The catalog and inventory each count their own sequence for a SKU. */
    enum Stream {
        CATALOG("catalog"),
        INVENTORY("inventory");

        final String source;

        Stream(String source) {
            this.source = source;
        }
    }

    /** {@code merchant/sku}: the document's id, the key both capabilities publish the SKU under. */
    String key();

    String merchant();

    String sku();

    Stream stream();

    long sequence();

    /** The stream as read-your-writes tokens name it ({@code catalog:acme/SKU-1}). */
    default String streamKey() {
        return stream().source + ":" + key();
    }

    /** The product's whole state, from {@code catalog.product-upserted}. */
    record ProductChanged(
            String key,
            String merchant,
            String sku,
            long sequence,
            String title,
            String description,
            String category,
            BigDecimal price,
            String currency,
            boolean active,
            Instant at)
            implements ListingChange {
        @Override
        public Stream stream() {
            return Stream.CATALOG;
        }
    }

    /** {@code catalog.product-price-changed}, published beside the upserted event of the same change. */
    record PriceChanged(String key, String merchant, String sku, long sequence, BigDecimal price, String currency)
            implements ListingChange {
        @Override
        public Stream stream() {
            return Stream.CATALOG;
        }
    }

    /** {@code catalog.product-retired}, published beside the upserted event carrying status retired. */
    record Retired(String key, String merchant, String sku, long sequence) implements ListingChange {
        @Override
        public Stream stream() {
            return Stream.CATALOG;
        }
    }

    /** Any inventory event: each carries the SKU's resulting available-to-sell. */
    record StockChanged(String key, String merchant, String sku, long sequence, int available)
            implements ListingChange {
        @Override
        public Stream stream() {
            return Stream.INVENTORY;
        }
    }

    /**
     * An event of the SKU's stream that does not change the listing (a type this view does not read, or one
     * it could never read): only its sequence counts, so a reader waiting for it is answered.
     */
    record Noted(String key, String merchant, String sku, Stream stream, long sequence) implements ListingChange {}
}
