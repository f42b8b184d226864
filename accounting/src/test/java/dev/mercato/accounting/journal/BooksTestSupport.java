package dev.mercato.accounting.journal;

import static org.awaitility.Awaitility.await;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.consume.PartitionFreshness;
import dev.mercato.plane.consume.ViewFreshness;
import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.plane.consume.ViewSettings;
import dev.mercato.plane.consume.ViewState;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.kafka.TestEventLog;
import dev.mercato.plane.kafka.ViewConsumerLoop;
import dev.mercato.plane.postgres.PostgresStores;
import dev.mercato.plane.testing.SharedKafka;
import dev.mercato.plane.testing.SharedPostgres;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fresh database, topics of its own standing in for orders' and payments', and the journal view under
 * a name of its own on a real runtime and broker.
 */
abstract class BooksTestSupport {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final ViewSettings FAST_RETRIES = new ViewSettings(3, Duration.ofMillis(10), Duration.ofMillis(80));

    PostgresStores stores;
    TestEventLog log;
    String orders;
    String payments;
    String name;
    JournalView view;
    ViewRuntime runtime;
    Journal journal;
    long sent;

    @BeforeEach
    void freshStoresAndLog() throws Exception {
        stores = SharedPostgres.freshStores();
        log = new TestEventLog(SharedKafka.bootstrapServers());
        orders = log.newTopic(3);
        payments = log.newTopic(3);
        // Roles are per server and groups per broker: a name of its own keeps tests apart.
        name = "books_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        view = new JournalView(name, List.of(orders, payments));
    }

    @AfterEach
    void closeEverything() {
        if (runtime != null) {
            runtime.close();
        }
        log.close();
        stores.close();
    }

    void start() {
        runtime = new ViewRuntime(
                stores, ViewConsumerLoop.on(SharedKafka.bootstrapServers()), FAST_RETRIES, Clock.systemUTC());
        runtime.start(view);
        journal = new Journal(runtime, name);
    }

    /** Each event to its publisher's topic, in order. */
    void send(Event... events) throws Exception {
        send(List.of(events));
    }

    void send(List<Event> events) throws Exception {
        List<Event> toOrders =
                events.stream().filter(e -> e.type().source().equals("orders")).toList();
        List<Event> toPayments = events.stream()
                .filter(e -> e.type().source().equals("payments"))
                .toList();
        log.send(orders, toOrders);
        log.send(payments, toPayments);
        sent += events.size();
    }

    ViewFreshness active() {
        return runtime.freshness(name).stream()
                .filter(ViewFreshness::active)
                .findFirst()
                .orElseThrow();
    }

    long applied() {
        return active().partitions().stream()
                .mapToLong(PartitionFreshness::appliedOffset)
                .sum();
    }

    /** Every record sent so far is applied (or deliberately skipped) by the active generation. */
    void awaitCaughtUp() {
        await().atMost(WAIT)
                .until(() -> active().state() == ViewState.RUNNING
                        && active().partitions().size() == 6
                        && active().lagEvents() == 0
                        && applied() == sent);
    }

    /** The merchant's whole journal, read page by page. */
    List<Journal.Entry> wholeJournal(String merchant, int pageSize) {
        List<Journal.Entry> all = new ArrayList<>();
        Optional<Journal.Position> after = Optional.empty();
        while (true) {
            List<Journal.Entry> page = journal.entries(MerchantId.of(merchant), after, pageSize);
            all.addAll(page);
            if (page.size() < pageSize) {
                return all;
            }
            after = Optional.of(
                    new Journal.Position(page.getLast().at(), page.getLast().id()));
        }
    }

    Journal.TrialBalance balance(String merchant) {
        return journal.trialBalance(MerchantId.of(merchant));
    }
}
