package dev.mercato.catalog.events;

import dev.mercato.catalog.Product;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.web.MoneyJson;
import java.time.Instant;
import java.util.Map;

/** A product was created or changed; carries its whole new state and its version. */
public record ProductUpserted(
        String sku,
        String merchant,
        String title,
        String description,
        String category,
        MoneyJson price,
        Map<String, String> attributes,
        String status,
        long version,
        Instant updatedAt) {

    public static final EventType TYPE = EventType.of("catalog", "product-upserted", 1);

    public static ProductUpserted of(Product p) {
        return new ProductUpserted(
                p.sku().value(),
                p.merchant().value(),
                p.title(),
                p.description(),
                p.category(),
                MoneyJson.of(p.price()),
                p.attributes(),
                p.status(),
                p.version(),
                p.updatedAt());
    }
}
