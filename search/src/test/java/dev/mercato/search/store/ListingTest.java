package dev.mercato.search.store;

import static dev.mercato.search.store.Products.aProduct;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.plane.events.Event;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListingTest {

    static Listing applyAll(List<Event> events) {
        Listing l = null;
        for (Event e : events) {
            ListingChange c = ListingEvents.decode(e).orElseThrow();
            l = (l == null ? Listing.none(c) : l).apply(c);
        }
        return l;
    }

    @Test
    void stock_that_arrives_before_its_product_is_kept_and_the_listing_shows_once_the_product_comes() {
        Products p = aProduct("SKU-1").title("Teapot");

        Listing stockOnly = applyAll(List.of(p.stock(1, 4)));
        assertThat(stockOnly.listed()).isFalse();
        assertThat(stockOnly.available()).isEqualTo(4);

        Listing both = applyAll(List.of(p.stock(1, 4), p.upserted(1)));
        assertThat(both.listed()).isTrue();
        assertThat(both.inStock()).isTrue();
        assertThat(both).isEqualTo(applyAll(List.of(p.upserted(1), p.stock(1, 4))));
    }

    @Test
    void a_change_at_or_below_its_streams_last_sequence_changes_nothing() {
        Products p = aProduct("SKU-1");
        Listing l = applyAll(List.of(p.upserted(1), p.stock(1, 5), p.stock(2, 0)));

        assertThat(l.apply(ListingEvents.decode(p.stock(2, 7)).orElseThrow())).isSameAs(l);
        assertThat(l.apply(ListingEvents.decode(p.stock(1, 7)).orElseThrow())).isSameAs(l);
        assertThat(l.apply(ListingEvents.decode(p.price("99.00").upserted(1)).orElseThrow()))
                .isSameAs(l);
        assertThat(l.inStock()).isFalse();
        // Inventory's sequence says nothing about the catalog's, and the other way round.
        assertThat(l.catalogSequence()).isEqualTo(1);
        assertThat(l.stockSequence()).isEqualTo(2);
    }

    @Test
    void retiring_unlists_and_upserting_again_relists_with_the_first_listed_time_kept() {
        Products p = aProduct("SKU-1");
        Listing first = applyAll(List.of(p.upserted(1)));
        Listing retired = applyAll(List.of(p.upserted(1), p.retired().upserted(2), p.retiredEvent(3)));
        assertThat(retired.listed()).isFalse();
        assertThat(retired.catalogSequence()).isEqualTo(3);

        Products again = aProduct("SKU-1").at(Products.T0.plusSeconds(3600));
        Listing relisted = applyAll(List.of(p.upserted(1), p.retired().upserted(2), again.upserted(3)));
        assertThat(relisted.listed()).isTrue();
        assertThat(relisted.product().listedAt()).isEqualTo(first.product().listedAt());
    }

    @Test
    void a_price_change_sets_the_price_and_every_stock_event_sets_available() {
        Products p = aProduct("SKU-1").price("10.00");
        Listing l = applyAll(List.of(p.upserted(1), p.priceChanged(2, "12.50"), p.stock(1, 3), p.reserved(2, 3, 0)));

        assertThat(l.product().price()).isEqualByComparingTo(new BigDecimal("12.50"));
        assertThat(l.available()).isZero();
        assertThat(l.inStock()).isFalse();
    }
}
