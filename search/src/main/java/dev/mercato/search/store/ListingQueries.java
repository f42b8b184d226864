package dev.mercato.search.store;

import static dev.mercato.search.store.ListingFields.CATEGORY_PATH;
import static dev.mercato.search.store.ListingFields.DESCRIPTION;
import static dev.mercato.search.store.ListingFields.IN_STOCK;
import static dev.mercato.search.store.ListingFields.LISTED;
import static dev.mercato.search.store.ListingFields.LISTED_AT;
import static dev.mercato.search.store.ListingFields.PRICE;
import static dev.mercato.search.store.ListingFields.SKU;
import static dev.mercato.search.store.ListingFields.STATE;
import static dev.mercato.search.store.ListingFields.TITLE;
import static dev.mercato.search.store.ListingFields.TITLE_PLAIN;

import dev.mercato.search.Search;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.AutomatonQuery;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.MultiTermQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.SortedNumericSelector;
import org.apache.lucene.search.SortedSetSelector;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.automaton.LevenshteinAutomata;

/**
 * Discovery queries as Lucene queries.
 *
 * <p>Every word must match (AND), in the best of these ways, which is also its score: the whole word
 * (stemmed) in the title or the description; or, in the title, a prefix of a title word (the last word
 * only, from two letters: what a user is still typing) or a word one typo (words of 4 to 7 letters) or
 * two (8 letters or more) away. Prefixes and typos are matched against titles only: that is where a
 * shopper's half-typed or misspelt word means something, and a description's many common words would
 * make every prefix and typo match thousands of products at a high price per query. Each way scores a
 * fixed weight, the title above the description; a hit's score is the sum over the words. Fixed weights
 * rather than BM25 because term statistics count deleted documents until segments merge: an index updated
 * in place and one rebuilt from the log would rank ties differently, and a rebuild must answer exactly as
 * the index it replaces.
 */
final class ListingQueries {

    static final int MIN_PREFIX = 2;
    static final int ONE_TYPO_FROM = 4;
    static final int TWO_TYPOS_FROM = 8;

    // Title above description for every way of matching; whole words above prefixes above typos.
    static final float TITLE_WORD = 10f;
    static final float TITLE_PREFIX = 6f;
    static final float TITLE_TYPO = 4f;
    static final float DESCRIPTION_WORD = 3f;

    // Compiling a prefix's or a word's typo automaton costs more than running it: those of popular words are
    // kept, up to a bound. Queries are immutable, so one is shared by every search.
    private static final int AUTOMATA = 10_000;
    private static final Map<String, Query> COMPILED = new ConcurrentHashMap<>();

    // Prices are kept at 4 decimal places, the most any ISO 4217 currency has.
    private static final int PRICE_SCALE = 4;

    private ListingQueries() {}

    /** Every filter but the category: what the category facet counts over. */
    static Query withoutCategory(Search.Query q) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        b.add(new TermQuery(new Term(STATE, LISTED)), Occur.FILTER);
        List<ListingAnalysis.Word> words = q.text().map(ListingAnalysis::words).orElse(List.of());
        for (int i = 0; i < words.size(); i++) {
            b.add(word(words.get(i), i == words.size() - 1), Occur.MUST);
        }
        price(q.minPrice(), q.maxPrice()).ifPresent(p -> b.add(p, Occur.FILTER));
        q.inStock().ifPresent(in -> b.add(new TermQuery(new Term(IN_STOCK, Boolean.toString(in))), Occur.FILTER));
        return b.build();
    }

    /** The page's query: {@code base} within the category, when there is one. */
    static Query withCategory(Query base, Optional<String> category) {
        if (category.isEmpty()) {
            return base;
        }
        return new BooleanQuery.Builder()
                .add(base, Occur.MUST)
                .add(new TermQuery(new Term(CATEGORY_PATH, category.get())), Occur.FILTER)
                .build();
    }

    static boolean hasWords(Search.Query q) {
        return q.text().map(t -> !ListingAnalysis.words(t).isEmpty()).orElse(false);
    }

    /** The order of a page; the SKU breaks every tie, so pages never overlap or skip. */
    static Sort sort(Search.Query q) {
        SortField sku = KeywordField.newSortField(SKU, false, SortedSetSelector.Type.MIN);
        return switch (q.sort()) {
            case PRICE_ASC -> new Sort(LongField.newSortField(PRICE, false, SortedNumericSelector.Type.MIN), sku);
            case PRICE_DESC -> new Sort(LongField.newSortField(PRICE, true, SortedNumericSelector.Type.MIN), sku);
            case NEWEST -> new Sort(LongField.newSortField(LISTED_AT, true, SortedNumericSelector.Type.MIN), sku);
            case RELEVANCE -> hasWords(q) ? new Sort(SortField.FIELD_SCORE, sku) : new Sort(sku);
        };
    }

    /** A price in the index's units (see {@link ListingFields#PRICE}). */
    static long priceUnits(BigDecimal amount) {
        return amount.setScale(PRICE_SCALE, RoundingMode.UNNECESSARY)
                .unscaledValue()
                .longValueExact();
    }

    private static Query word(ListingAnalysis.Word w, boolean last) {
        List<Query> ways = new ArrayList<>();
        ways.add(constant(new TermQuery(new Term(TITLE, w.stem())), TITLE_WORD));
        ways.add(constant(new TermQuery(new Term(DESCRIPTION, w.stem())), DESCRIPTION_WORD));
        int length = w.plain().codePointCount(0, w.plain().length());
        if (last && length >= MIN_PREFIX) {
            ways.add(constant(prefix(TITLE_PLAIN, w.plain()), TITLE_PREFIX));
        }
        int typos = length >= TWO_TYPOS_FROM ? 2 : length >= ONE_TYPO_FROM ? 1 : 0;
        if (typos > 0) {
            ways.add(constant(typos(TITLE_PLAIN, w.plain(), typos), TITLE_TYPO));
        }
        // The best way counts, once: a word that is also its own prefix and typo is not counted thrice.
        return new DisjunctionMaxQuery(ways, 0f);
    }

    private static Query prefix(String field, String text) {
        return compiled(
                "prefix",
                field,
                text,
                () -> new PrefixQuery(new Term(field, text), MultiTermQuery.CONSTANT_SCORE_BLENDED_REWRITE));
    }

    /**
     * Terms at most {@code typos} edits (a transposition counting as one) from {@code text}. One automaton
     * for the whole distance, unlike a fuzzy query's one per distance (its scores are not used here), and a
     * constant-score rewrite, which takes every term within reach rather than the top few by frequency, so
     * what matches does not depend on what else the index holds.
     */
    private static Query typos(String field, String text, int typos) {
        return compiled(
                "typos" + typos,
                field,
                text,
                () -> new AutomatonQuery(
                        new Term(field, text),
                        new LevenshteinAutomata(text, true).toAutomaton(typos),
                        false,
                        MultiTermQuery.CONSTANT_SCORE_BLENDED_REWRITE));
    }

    private static Query compiled(String kind, String field, String text, Supplier<Query> compile) {
        String key = kind + '\u0000' + field + '\u0000' + text;
        Query cached = COMPILED.get(key);
        if (cached != null) {
            return cached;
        }
        Query q = compile.get();
        if (COMPILED.size() >= AUTOMATA) {
            // Crude but bounded: start over rather than track recency on every search.
            COMPILED.clear();
        }
        COMPILED.put(key, q);
        return q;
    }

    private static Query constant(Query q, float weight) {
        return new BoostQuery(new ConstantScoreQuery(q), weight);
    }

    private static Optional<Query> price(Optional<BigDecimal> min, Optional<BigDecimal> max) {
        if (min.isEmpty() && max.isEmpty()) {
            return Optional.empty();
        }
        long low = min.map(m -> bound(m, RoundingMode.CEILING)).orElse(Long.MIN_VALUE);
        long high = max.map(m -> bound(m, RoundingMode.FLOOR)).orElse(Long.MAX_VALUE);
        return Optional.of(LongField.newRangeQuery(PRICE, low, high));
    }

    /** A bound in index units, rounded inwards; one beyond any price stays beyond. */
    private static long bound(BigDecimal amount, RoundingMode inwards) {
        BigDecimal units = amount.movePointRight(PRICE_SCALE).setScale(0, inwards);
        if (units.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            return Long.MAX_VALUE;
        }
        if (units.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0) {
            return Long.MIN_VALUE;
        }
        return units.longValueExact();
    }
}
