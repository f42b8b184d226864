package dev.mercato.catalog.events;

import dev.mercato.plane.events.EventType;
import java.time.Instant;

/**
 * A merchant took a product off sale (published beside the {@link ProductUpserted} carrying status {@code
 * retired}). It can no longer be added to a cart or bought; upserting it again puts it back on sale.
 */
public record ProductRetired(String sku, String merchant, long version, Instant at) {

    public static final EventType TYPE = EventType.of("catalog", "product-retired", 1);
}
