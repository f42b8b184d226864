package dev.mercato.search.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * How listing text becomes terms. Words are split on Unicode word boundaries, lowercased, stripped of an
 * English possessive and folded to ASCII ("Café's" becomes "cafe"), so accents and case never decide a
 * match. Titles and descriptions are indexed stemmed (KStem, a light dictionary stemmer, so "teapots"
 * finds "teapot" without conflating unrelated words the way Porter does), for whole words; titles also
 * unstemmed, for prefixes and typos, which must be measured against what the user typed rather than a
 * stem ("batteri" is a prefix of "batteries", not of its stem "battery"). No stop words are dropped: every word the
 * user typed must match, as before.
 */
final class ListingAnalysis {

    private ListingAnalysis() {}

    /** A word of a query: as typed (folded) and stemmed. */
    record Word(String plain, String stem) {}

    /** The analyzer the index writes with: stemmed by default, unstemmed for the title's plain copy. */
    static Analyzer forIndex() {
        Analyzer plain = new ListingAnalyzer(false);
        return new PerFieldAnalyzerWrapper(new ListingAnalyzer(true), Map.of(ListingFields.TITLE_PLAIN, plain));
    }

    /** The words of a query, each in both forms. */
    static List<Word> words(String text) {
        List<String> plain = terms(PLAIN, "q", text);
        List<String> stems = terms(STEMMED, "q", text);
        // The stemmer maps each token to exactly one, so the two lists line up.
        List<Word> words = new ArrayList<>(plain.size());
        for (int i = 0; i < plain.size(); i++) {
            words.add(new Word(plain.get(i), i < stems.size() ? stems.get(i) : plain.get(i)));
        }
        return words;
    }

    private static final Analyzer PLAIN = new ListingAnalyzer(false);
    private static final Analyzer STEMMED = new ListingAnalyzer(true);

    static List<String> terms(Analyzer analyzer, String field, String text) {
        List<String> terms = new ArrayList<>();
        try (TokenStream tokens = analyzer.tokenStream(field, text)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken()) {
                terms.add(term.toString());
            }
            tokens.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return terms;
    }

    /** Standard tokenizer, lowercase, English possessive, ASCII folding, and KStem when {@code stem}. */
    static final class ListingAnalyzer extends Analyzer {

        private final boolean stem;

        ListingAnalyzer(boolean stem) {
            this.stem = stem;
        }

        @Override
        protected TokenStreamComponents createComponents(String fieldName) {
            StandardTokenizer source = new StandardTokenizer();
            TokenStream terms = new LowerCaseFilter(source);
            terms = new EnglishPossessiveFilter(terms);
            terms = new ASCIIFoldingFilter(terms);
            if (stem) {
                terms = new KStemFilter(terms);
            }
            return new TokenStreamComponents(source, terms);
        }

        @Override
        protected TokenStream normalize(String fieldName, TokenStream in) {
            return new ASCIIFoldingFilter(new LowerCaseFilter(in));
        }
    }
}
