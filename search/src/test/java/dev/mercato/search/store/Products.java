package dev.mercato.search.store;

import dev.mercato.catalog.events.ProductPriceChanged;
import dev.mercato.catalog.events.ProductRetired;
import dev.mercato.catalog.events.ProductUpserted;
import dev.mercato.inventory.events.StockAdjusted;
import dev.mercato.inventory.events.StockReserved;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.web.MoneyJson;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Catalog and inventory events about one product, as the capabilities publish them. */
final class Products {

    static final String MERCHANT = "casa-bella";
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private String sku;
    private String merchant = MERCHANT;
    private String title = "Product";
    private String description = "";
    private String category = "home/kitchen";
    private String amount = "10.00";
    private String currency = "EUR";
    private String status = "active";
    private Instant at = T0;

    private Products(String sku) {
        this.sku = sku;
    }

    static Products aProduct(String sku) {
        return new Products(sku);
    }

    Products title(String title) {
        this.title = title;
        return this;
    }

    Products description(String description) {
        this.description = description;
        return this;
    }

    Products category(String category) {
        this.category = category;
        return this;
    }

    Products price(String amount) {
        this.amount = amount;
        return this;
    }

    Products price(String amount, String currency) {
        this.amount = amount;
        this.currency = currency;
        return this;
    }

    Products retired() {
        this.status = "retired";
        return this;
    }

    Products merchant(String merchant) {
        this.merchant = merchant;
        return this;
    }

    /** When the upsert happened: its event's time, which "newest" orders by. */
    Products at(Instant at) {
        this.at = at;
        return this;
    }

    /** {@code catalog.product-upserted} at catalog sequence {@code sequence}. */
    Event upserted(long sequence) {
        return event(
                ProductUpserted.TYPE,
                sequence,
                new ProductUpserted(
                        sku,
                        merchant,
                        title,
                        description,
                        category,
                        new MoneyJson(amount, currency),
                        Map.of(),
                        status,
                        sequence,
                        at));
    }

    Event priceChanged(long sequence, String to) {
        return event(
                ProductPriceChanged.TYPE,
                sequence,
                new ProductPriceChanged(
                        sku, merchant, new MoneyJson(amount, currency), new MoneyJson(to, currency), sequence, at));
    }

    Event retiredEvent(long sequence) {
        return event(ProductRetired.TYPE, sequence, new ProductRetired(sku, merchant, sequence, at));
    }

    /** {@code inventory.stock-adjusted} at inventory sequence {@code sequence}: available = on hand. */
    Event stock(long sequence, int available) {
        return event(
                StockAdjusted.TYPE,
                sequence,
                new StockAdjusted(sku, merchant, available, 0, available, sequence, "set"));
    }

    Event reserved(long sequence, int quantity, int available) {
        return event(
                StockReserved.TYPE,
                sequence,
                new StockReserved(
                        sku,
                        merchant,
                        "r-" + sequence,
                        quantity,
                        at.plusSeconds(900),
                        available + quantity,
                        quantity,
                        available,
                        sequence));
    }

    Event event(EventType type, long sequence, Object payload) {
        return new Event(
                UUID.randomUUID(), type, at, MerchantId.of(merchant), sku, sequence, "", EventJson.write(payload));
    }

    String key() {
        return merchant + "/" + sku;
    }
}
