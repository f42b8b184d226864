package dev.mercato.plane.consume;

import dev.mercato.plane.kafka.ViewConsumerLoop;
import dev.mercato.plane.postgres.PostgresStores;
import dev.mercato.plane.testing.SharedKafka;
import dev.mercato.plane.testing.SharedPostgres;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A fresh database, a producer, a view name of its own, and a runtime that is closed after each test. */
abstract class ViewTestSupport {

    static final Duration WAIT = Duration.ofSeconds(60);

    /** A test view reading one topic that keeps no tables of its own (it records what it sees elsewhere). */
    interface TablelessView extends View {
        String topic();

        @Override
        default List<String> topics() {
            return List.of(topic());
        }

        @Override
        default void createTables(JdbcClient tx, Generation generation) {}

        @Override
        default void dropTables(JdbcClient tx, Generation generation) {}
    }

    static final ViewSettings FAST_RETRIES = new ViewSettings(3, Duration.ofMillis(10), Duration.ofMillis(80));

    PostgresStores stores;
    TestLog log;
    String viewName;
    ViewRuntime runtime;

    @BeforeEach
    void freshStoresAndLog() {
        stores = SharedPostgres.freshStores();
        log = new TestLog();
        // Roles are per server, not per database: a name of its own keeps tests from sharing one.
        viewName = "totals_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    @AfterEach
    void closeEverything() {
        if (runtime != null) {
            runtime.close();
        }
        log.close();
        stores.close();
    }

    ViewRuntime newRuntime() {
        return new ViewRuntime(
                stores, ViewConsumerLoop.on(SharedKafka.bootstrapServers()), FAST_RETRIES, Clock.systemUTC());
    }

    /** A runtime alone on its store, as in embedded mode: each view takes every partition itself. */
    ViewRuntime aloneRuntime() {
        return new ViewRuntime(
                stores, ViewConsumerLoop.on(SharedKafka.bootstrapServers()), FAST_RETRIES.alone(), Clock.systemUTC());
    }

    ViewFreshness active() {
        return runtime.freshness(viewName).stream()
                .filter(ViewFreshness::active)
                .findFirst()
                .orElseThrow();
    }
}
