package dev.mercato.search.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ListingAnalysisTest {

    @Test
    void words_are_lowercased_folded_and_lose_a_possessive_and_their_stem_drops_the_plural() {
        assertThat(ListingAnalysis.words("Café's Teapots"))
                .containsExactly(
                        new ListingAnalysis.Word("cafe", "cafe"), new ListingAnalysis.Word("teapots", "teapot"));
    }

    @Test
    void the_index_stems_titles_but_keeps_the_plain_fields_as_written() {
        var analyzer = ListingAnalysis.forIndex();
        assertThat(ListingAnalysis.terms(analyzer, ListingFields.TITLE, "Spare Batteries"))
                .isEqualTo(List.of("spare", "battery"));
        assertThat(ListingAnalysis.terms(analyzer, ListingFields.TITLE_PLAIN, "Spare Batteries"))
                .isEqualTo(List.of("spare", "batteries"));
    }
}
