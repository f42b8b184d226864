package dev.mercato.fulfillment;

import dev.mercato.fulfillment.store.JdbcPickLists;
import dev.mercato.plane.consume.ViewFreshness;
import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.plane.consume.ViewSettings;
import dev.mercato.plane.kafka.TestEventLog;
import dev.mercato.plane.kafka.ViewConsumerLoop;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import dev.mercato.plane.testing.SharedKafka;
import dev.mercato.plane.testing.SharedPostgres;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Real engines for fulfillment's tests: a fresh database on the shared PostgreSQL with fulfillment's schema
 * and outbox, topics of their own on the shared Kafka broker, and a view runtime closed after each test.
 */
public abstract class FulfillmentTestSupport {

    protected static final Duration WAIT = Duration.ofSeconds(60);
    static final ViewSettings FAST_RETRIES = new ViewSettings(3, Duration.ofMillis(10), Duration.ofMillis(80));

    protected PostgresStores stores;
    protected CapabilityStore store;
    protected JdbcPickLists pickLists;
    protected TestEventLog log;
    protected ViewRuntime runtime;
    /** A merchant of its own, so one test's orders are not another's. */
    protected String merchant;

    @BeforeEach
    void engines() {
        stores = SharedPostgres.freshStores();
        store = stores.open("fulfillment");
        stores.migrate(store, "classpath:db/plane/outbox", "plane_outbox_history");
        pickLists = new JdbcPickLists(store, new Outbox(store, Clock.systemUTC()), Clock.systemUTC());
        log = new TestEventLog(SharedKafka.bootstrapServers());
        runtime = newRuntime();
        merchant = "m-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeEngines() {
        runtime.close();
        log.close();
        stores.close();
    }

    protected ViewRuntime newRuntime() {
        return new ViewRuntime(
                stores, ViewConsumerLoop.on(SharedKafka.bootstrapServers()), FAST_RETRIES, Clock.systemUTC());
    }

    protected ViewFreshness active(String view) {
        return runtime.freshness(view).stream()
                .filter(ViewFreshness::active)
                .findFirst()
                .orElseThrow();
    }

    /** Events of {@code type} (e.g. {@code fulfillment.pick-list-created.v1}... by name) in fulfillment's outbox. */
    protected long outboxed(String orderId, String type) {
        return store.jdbc()
                .sql("SELECT count(*) FROM outbox WHERE aggregate_id = ? AND type LIKE ?")
                .params(orderId, "%" + type + "%")
                .query(Long.class)
                .single();
    }
}
