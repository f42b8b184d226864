package dev.mercato.catalog.events;

import dev.mercato.plane.events.EventType;
import dev.mercato.plane.web.MoneyJson;
import java.time.Instant;

/**
 * A product's price changed (published beside the {@link ProductUpserted} of the same change), so price
 * history and caches keyed on price need not compare whole product states.
 */
public record ProductPriceChanged(
        String sku, String merchant, MoneyJson previous, MoneyJson price, long version, Instant at) {

    public static final EventType TYPE = EventType.of("catalog", "product-price-changed", 1);
}
