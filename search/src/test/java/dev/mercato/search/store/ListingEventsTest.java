package dev.mercato.search.store;

import static dev.mercato.search.store.Products.aProduct;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.catalog.events.ProductUpserted;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventType;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ListingEventsTest {

    private static Event raw(EventType type, String data) {
        return new Event(UUID.randomUUID(), type, Products.T0, MerchantId.of("casa-bella"), "SKU-1", 7, "", data);
    }

    @Test
    void a_product_event_becomes_the_whole_product_keyed_by_merchant_and_sku_with_its_sequence() {
        ListingChange c = ListingEvents.decode(
                        aProduct("SKU-1").title("Teapot").price("39.00").upserted(3))
                .orElseThrow();

        assertThat(c).isInstanceOfSatisfying(ListingChange.ProductChanged.class, p -> {
            assertThat(p.key()).isEqualTo("casa-bella/SKU-1");
            assertThat(p.title()).isEqualTo("Teapot");
            assertThat(p.price()).hasToString("39.00");
            assertThat(p.active()).isTrue();
        });
        assertThat(c.sequence()).isEqualTo(3);
        assertThat(c.streamKey()).isEqualTo("catalog:casa-bella/SKU-1");
    }

    @Test
    void every_inventory_event_sets_available_and_an_unread_type_only_counts_its_sequence() {
        assertThat(ListingEvents.decode(aProduct("SKU-1").reserved(2, 1, 6)).orElseThrow())
                .isEqualTo(new ListingChange.StockChanged("casa-bella/SKU-1", "casa-bella", "SKU-1", 2, 6));
        assertThat(ListingEvents.decode(raw(EventType.of("inventory", "stock-counted", 1), "{}"))
                        .orElseThrow())
                .isInstanceOf(ListingChange.Noted.class)
                .extracting(ListingChange::streamKey)
                .isEqualTo("inventory:casa-bella/SKU-1");
        assertThat(ListingEvents.decode(raw(EventType.of("orders", "order-placed", 1), "{}")))
                .isEmpty();
    }

    @Test
    void an_unreadable_payload_or_a_version_the_view_was_not_written_for_is_refused() {
        assertThatThrownBy(() -> ListingEvents.decode(raw(ProductUpserted.TYPE, "{\"sku\": [")))
                .isInstanceOf(ListingEvents.Unreadable.class);
        assertThatThrownBy(() -> ListingEvents.decode(raw(ProductUpserted.TYPE, "{\"sku\":\"SKU-1\"}")))
                .isInstanceOf(ListingEvents.Unreadable.class);
        assertThatThrownBy(() -> ListingEvents.decode(raw(ProductUpserted.TYPE.atVersion(2), "{}")))
                .isInstanceOf(ListingEvents.Unreadable.class)
                .hasMessageContaining("version 2");
    }
}
