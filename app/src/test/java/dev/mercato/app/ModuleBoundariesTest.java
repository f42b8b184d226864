package dev.mercato.app;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The architecture, executable: each rule says why it exists. */
class ModuleBoundariesTest {

    static final List<String> CAPABILITIES = List.of(
            "catalog",
            "inventory",
            "cart",
            "orders",
            "payments",
            "customers",
            "fulfillment",
            "accounting",
            "search",
            "analytics");

    static JavaClasses classes;

    @BeforeAll
    static void importMercato() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // Test fixtures shared through test-jars are tests too: they may use any engine directly.
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.mercato");
    }

    @Test
    void a_capability_is_reached_only_through_its_api_and_events_packages() {
        // A capability's internals (domain, store, web, ...) change freely; only its API is a promise.
        for (String c : CAPABILITIES) {
            noClasses()
                    .that()
                    .resideOutsideOfPackage("dev.mercato." + c + "..")
                    .should()
                    .dependOnClassesThat(resideInAPackage("dev.mercato." + c + ".(*)..")
                            .and(not(resideInAPackage("dev.mercato." + c + ".events.."))))
                    .because(c + "'s internals are not its published API")
                    .check(classes);
        }
    }

    @Test
    void capabilities_form_no_cycles() {
        // A cycle makes two capabilities one: neither can change, ship or be tested alone.
        slices().matching("dev.mercato.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void nothing_but_the_composition_root_depends_on_it() {
        // The root wires capabilities together; a capability that reached back into it would wire itself.
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.mercato.app..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.mercato.app..")
                .check(classes);
    }

    @Test
    void the_kernel_knows_no_capability() {
        // The plane is the shared mechanism; if it knew a capability, every other one would depend on it too.
        noClasses()
                .that()
                .resideInAPackage("dev.mercato.plane..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(CAPABILITIES.stream()
                        .map(c -> "dev.mercato." + c + "..")
                        .toArray(String[]::new))
                .check(classes);
    }

    @Test
    void only_the_log_adapter_speaks_kafka() {
        // One place adapts Kafka's API, so a client upgrade or a different log touches one package.
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.mercato.plane.kafka..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka..", "kafka..")
                .check(classes);
    }

    @Test
    void only_the_cart_store_speaks_rocksdb() {
        // The cart store sits behind one package so the DynamoDB implementation can replace it.
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.mercato.cart.store..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.rocksdb..")
                .check(classes);
    }

    @Test
    void only_the_cart_store_speaks_dynamodb() {
        // The DynamoDB API is one of the cart store's two engines; nothing else may depend on it.
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.mercato.cart.store..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("software.amazon.awssdk..")
                .check(classes);
    }

    @Test
    void only_the_search_store_speaks_lucene() {
        // The index sits behind SearchIndex so an OpenSearch implementation can replace it.
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.mercato.search.store..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.lucene..")
                .check(classes);
    }

    @Test
    void only_analytics_speaks_duckdb() {
        // The warehouse engine is analytics' choice; nothing else may come to depend on it.
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.mercato.analytics..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.duckdb..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void only_the_plane_runs_migrations_and_pools() {
        // Capabilities get a ready store from the plane; none opens its own connections around its role.
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.mercato.plane..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.flywaydb..", "com.zaxxer.hikari..", "org.postgresql..")
                .check(classes);
    }
}
