package dev.mercato.search.store;

import static dev.mercato.search.store.Products.aProduct;
import static dev.mercato.search.store.Queries.everything;
import static dev.mercato.search.store.Queries.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.plane.events.Event;
import dev.mercato.search.Search;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What discovery finds, against a real Lucene index on disk fed through the view's apply path. */
class SearchQueriesIntegrationTest {

    @TempDir
    Path dir;

    LuceneGeneration index;

    @BeforeEach
    void open() {
        index = new LuceneGeneration(1, dir.resolve("g1"));
    }

    @AfterEach
    void close() {
        index.close();
    }

    static void feed(SearchIndex.Generation index, Event... events) {
        index.apply(List.of(events).stream()
                .map(e -> ListingEvents.decode(e).orElseThrow())
                .toList());
        index.refresh();
    }

    void feed(Event... events) {
        feed(index, events);
    }

    List<String> skus(Queries q) {
        return index.search(q.build()).items().stream().map(Search.Hit::sku).toList();
    }

    @Test
    void a_word_finds_its_plural_its_possessive_and_its_accented_spelling() {
        feed(
                aProduct("TEAPOT").title("Ceramic Teapot").upserted(1),
                aProduct("CAFE").title("Café Chairs").upserted(1),
                aProduct("BOX").title("Gardener's Box").upserted(1));

        assertThat(skus(text("teapots"))).containsExactly("TEAPOT");
        assertThat(skus(text("CAFE chair"))).containsExactly("CAFE");
        assertThat(skus(text("gardener box"))).containsExactly("BOX");
    }

    @Test
    void the_last_word_matches_as_a_prefix_from_two_letters_and_the_others_only_whole() {
        feed(aProduct("TEAPOT").title("Ceramic Teapot").upserted(1));

        assertThat(skus(text("ceramic tea"))).containsExactly("TEAPOT");
        assertThat(skus(text("te"))).containsExactly("TEAPOT");
        assertThat(skus(text("t"))).isEmpty();
        assertThat(skus(text("cer teapot"))).isEmpty();
    }

    @Test
    void one_typo_is_forgiven_from_four_letters_and_two_from_eight() {
        feed(
                aProduct("KETTLE").title("Kettle").upserted(1),
                aProduct("MUG").title("Mug").upserted(1),
                aProduct("VASE").title("Porcelain Vase").upserted(1));

        assertThat(skus(text("kettel"))).containsExactly("KETTLE");
        assertThat(skus(text("kittel"))).isEmpty();
        assertThat(skus(text("mig"))).isEmpty();
        assertThat(skus(text("porselian"))).containsExactly("VASE");
    }

    @Test
    void every_word_must_match_in_the_title_or_the_description() {
        feed(
                aProduct("TEAPOT")
                        .title("Ceramic Teapot")
                        .description("Holds a litre")
                        .upserted(1),
                aProduct("KETTLE").title("Ceramic Kettle").upserted(1));

        assertThat(skus(text("ceramic litre"))).containsExactly("TEAPOT");
        assertThat(skus(text("ceramic kettle teapot"))).isEmpty();
        assertThat(skus(text("ceramic"))).containsExactly("KETTLE", "TEAPOT");
    }

    @Test
    void a_title_match_outranks_a_description_match_and_a_whole_word_outranks_a_title_prefix() {
        feed(
                aProduct("A-DESC")
                        .title("Kettle")
                        .description("Pairs with any teapot")
                        .upserted(1),
                aProduct("B-TITLE").title("Teapot").upserted(1),
                aProduct("C-PREFIX").title("Teapots and cups").upserted(1),
                aProduct("D-WORD").title("Tea").upserted(1));

        // C's "Teapots" is the same word, stemmed; the description's teapot counts for less.
        assertThat(skus(text("teapot"))).containsExactly("B-TITLE", "C-PREFIX", "A-DESC");
        // "tea" is a whole word of D and a prefix of B's and C's titles; prefixes look at titles only.
        assertThat(skus(text("tea"))).containsExactly("D-WORD", "B-TITLE", "C-PREFIX");
    }

    @Test
    void category_counts_cover_every_other_filter_and_stock_counts_stay_within_the_category() {
        feed(
                aProduct("K1").category("home/kitchen").price("10.00").upserted(1),
                aProduct("K1").stock(1, 3),
                aProduct("K2").category("home/kitchen/teapots").price("20.00").upserted(1),
                aProduct("G1").category("home/garden").price("15.00").upserted(1),
                aProduct("O1").category("outdoor").price("50.00").upserted(1));

        Search.Results r = index.search(
                everything().category("home/kitchen").price(null, "30").build());

        assertThat(r.items()).extracting(Search.Hit::sku).containsExactly("K1", "K2");
        assertThat(r.total()).isEqualTo(2);
        assertThat(r.facets().get("category"))
                .containsExactly(
                        Map.entry("home/garden", 1L),
                        Map.entry("home/kitchen", 1L),
                        Map.entry("home/kitchen/teapots", 1L));
        assertThat(r.facets().get("inStock")).containsExactly(Map.entry("false", 1L), Map.entry("true", 1L));
    }

    @Test
    void a_price_range_includes_both_ends_and_compares_amounts_across_currency_exponents() {
        feed(
                aProduct("A").price("9.99").upserted(1),
                aProduct("B").price("10.00").upserted(1),
                aProduct("C").price("15", "JPY").upserted(1),
                aProduct("D").price("20.000", "BHD").upserted(1),
                aProduct("E").price("20.01").upserted(1));

        assertThat(skus(everything().price("10", "20"))).containsExactly("B", "C", "D");
        assertThat(skus(everything().price("10.001", null))).containsExactly("C", "D", "E");
        assertThat(index.search(everything().price("15", "15").build()).items())
                .singleElement()
                .satisfies(h -> assertThat(h.price()).hasToString("15"));
    }

    @Test
    void pages_sort_by_price_either_way_by_first_listing_or_by_sku_with_the_sku_breaking_ties() {
        feed(
                aProduct("S-1").price("30.00").at(Products.T0.plusSeconds(30)).upserted(1),
                aProduct("S-2").price("10.00").at(Products.T0.plusSeconds(10)).upserted(1),
                aProduct("S-3").price("20.00").at(Products.T0.plusSeconds(20)).upserted(1),
                aProduct("S-0").price("20.00").at(Products.T0.plusSeconds(40)).upserted(1),
                // A later change keeps the first listing's time.
                aProduct("S-2").price("10.00").at(Products.T0.plusSeconds(50)).upserted(2));

        assertThat(skus(everything().sort(Search.Sort.PRICE_ASC))).containsExactly("S-2", "S-0", "S-3", "S-1");
        assertThat(skus(everything().sort(Search.Sort.PRICE_DESC))).containsExactly("S-1", "S-0", "S-3", "S-2");
        assertThat(skus(everything().sort(Search.Sort.NEWEST))).containsExactly("S-0", "S-1", "S-3", "S-2");
        assertThat(skus(everything())).containsExactly("S-0", "S-1", "S-2", "S-3");

        Search.Results first =
                index.search(everything().sort(Search.Sort.PRICE_ASC).page(0, 3).build());
        assertThat(first.nextOffset()).isEqualTo(3);
        Search.Results last =
                index.search(everything().sort(Search.Sort.PRICE_ASC).page(3, 3).build());
        assertThat(last.items()).extracting(Search.Hit::sku).containsExactly("S-1");
        assertThat(last.nextOffset()).isEqualTo(-1);
        assertThat(index.search(everything().page(Integer.MAX_VALUE, 100).build())
                        .items())
                .isEmpty();
    }

    @Test
    void retired_and_stock_only_skus_are_not_found_and_in_stock_filters_on_the_latest_level() {
        feed(
                aProduct("ON-SALE").title("Lamp").upserted(1),
                aProduct("ON-SALE").stock(1, 2),
                aProduct("ON-SALE").reserved(2, 2, 0),
                aProduct("STOCKED").title("Lamp").upserted(1),
                aProduct("STOCKED").stock(1, 5),
                aProduct("NEVER-STOCKED").title("Lamp").upserted(1),
                aProduct("GONE").title("Lamp").upserted(1),
                aProduct("GONE").stock(1, 9),
                aProduct("GONE").title("Lamp").retired().upserted(2),
                aProduct("NO-PRODUCT").stock(1, 4));

        assertThat(skus(text("lamp"))).containsExactly("NEVER-STOCKED", "ON-SALE", "STOCKED");
        assertThat(skus(everything().inStock(true))).containsExactly("STOCKED");
        assertThat(skus(everything().inStock(false))).containsExactly("NEVER-STOCKED", "ON-SALE");
        assertThat(index.search(text("lamp").build()).items())
                .filteredOn(h -> h.sku().equals("ON-SALE"))
                .singleElement()
                .satisfies(h -> {
                    assertThat(h.inStock()).isFalse();
                    assertThat(h.available()).isZero();
                });
    }

    @Test
    void an_index_changed_in_place_answers_exactly_as_one_built_from_its_final_state() {
        List<Event> history = new ArrayList<>();
        List<Event> finalState = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String sku = "SKU-%02d".formatted(i);
            // Many rewrites leave deleted documents behind, which term statistics would count.
            for (int v = 1; v <= 5; v++) {
                history.add(aProduct(sku)
                        .title(v % 2 == 0 ? "Steel Teapot " + v : "Steel Kettle")
                        .description(i % 3 == 0 ? "teapot steel" : "kitchen")
                        .price((10 + i) + ".00")
                        .upserted(v));
            }
            finalState.add(aProduct(sku)
                    .title("Steel Kettle")
                    .description(i % 3 == 0 ? "teapot steel" : "kitchen")
                    .price((10 + i) + ".00")
                    .upserted(5));
        }
        feed(history.toArray(Event[]::new));
        try (LuceneGeneration rebuilt = new LuceneGeneration(2, dir.resolve("g2"))) {
            feed(rebuilt, finalState.toArray(Event[]::new));
            for (Queries q : List.of(
                    text("teapot"),
                    text("steel te"),
                    text("ketle"),
                    everything().sort(Search.Sort.PRICE_DESC))) {
                assertThat(rebuilt.search(q.build())).isEqualTo(index.search(q.build()));
            }
            assertThat(skus(text("teapot"))).hasSize(14);
        }
    }
}
