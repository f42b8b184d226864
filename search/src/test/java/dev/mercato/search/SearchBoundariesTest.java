package dev.mercato.search;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchBoundariesTest {

    /** The Lucene implementation of the index: the only classes an OpenSearch one would replace. */
    static final List<String> ENGINE = List.of(
            "LuceneSearchIndex",
            "LuceneGeneration",
            "ListingAnalysis",
            "ListingQueries",
            "ListingHits",
            "ListingFields");

    @Test
    void only_the_index_implementation_speaks_lucene() {
        // The consumer, the listings it merges, the view and the API stay engine-free behind SearchIndex.
        DescribedPredicate<JavaClass> engine = DescribedPredicate.describe(
                "the Lucene implementation " + ENGINE,
                c -> c.getPackageName().equals("dev.mercato.search.store")
                        && ENGINE.stream()
                                .anyMatch(n -> c.getName().equals("dev.mercato.search.store." + n)
                                        || c.getName().startsWith("dev.mercato.search.store." + n + "$")));
        noClasses()
                .that(DescribedPredicate.not(engine))
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.lucene..")
                .check(new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.mercato.search"));
    }
}
