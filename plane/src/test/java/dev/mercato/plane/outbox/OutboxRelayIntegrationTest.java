package dev.mercato.plane.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.kafka.DurabilitySettings;
import dev.mercato.plane.kafka.KafkaPublisher;
import dev.mercato.plane.kafka.LogTopics;
import dev.mercato.plane.kafka.ViewConsumerLoop;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import dev.mercato.plane.testing.AppliedEventsView;
import dev.mercato.plane.testing.LogReader;
import dev.mercato.plane.testing.SharedKafka;
import dev.mercato.plane.testing.SharedPostgres;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OutboxRelayIntegrationTest {

    static final MerchantId ACME = MerchantId.of("acme");

    PostgresStores stores;
    CapabilityStore shop;
    Outbox outbox;
    String source;
    EventType placed;
    KafkaPublisher publisher;
    final List<AutoCloseable> closeLast = new ArrayList<>();

    @BeforeEach
    void setUp() {
        stores = SharedPostgres.freshStores();
        shop = stores.open("shop");
        stores.migrate(shop, "classpath:db/plane/outbox", "plane_outbox_history");
        outbox = new Outbox(shop, Clock.systemUTC());
        // Every test gets its own topic: events of "shop" go to mercato.shop, so the source is renamed per test.
        source = "shop";
        placed = EventType.of(source, "order-placed", 1);
        publisher = new KafkaPublisher(SharedKafka.bootstrapServers());
        LogTopics.ensure(SharedKafka.bootstrapServers(), List.of(placed.topic()), 4, DurabilitySettings.EMBEDDED);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeLast.reversed()) {
            c.close();
        }
        publisher.close();
        stores.close();
        deleteTopic();
    }

    void deleteTopic() {
        var p = new java.util.Properties();
        p.put("bootstrap.servers", SharedKafka.bootstrapServers());
        try (var admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            admin.deleteTopics(List.of(placed.topic())).all().get();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try {
                    return !admin.listTopics().names().get().contains(placed.topic());
                } catch (Exception e) {
                    return false;
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    OutboxRelay relay(OutboxRelay.Faults faults) {
        OutboxRelay relay = new OutboxRelay(shop, publisher, fastSettings(), Clock.systemUTC(), faults).start();
        closeLast.add(relay);
        return relay;
    }

    static RelaySettings fastSettings() {
        return new RelaySettings(200, Duration.ofMillis(200), Duration.ofHours(1), Duration.ofSeconds(5));
    }

    Appended placeOrder(String orderId, int total) {
        return shop.transactions().execute(status -> {
            shop.jdbc()
                    .sql("INSERT INTO orders VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET total = EXCLUDED.total")
                    .params(orderId, total)
                    .update();
            return outbox.append(placed, ACME, orderId, Map.of("orderId", orderId, "total", total));
        });
    }

    long unpublished() {
        return shop.jdbc()
                .sql("SELECT count(*) FROM outbox WHERE published_at IS NULL")
                .query(Long.class)
                .single();
    }

    @Test
    void an_append_outside_the_capabilitys_transaction_is_refused() {
        assertThatThrownBy(() -> outbox.append(placed, ACME, "o-1", Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dual write");
    }

    @Test
    void an_event_rolls_back_with_its_business_transaction() {
        assertThatThrownBy(() -> shop.transactions().executeWithoutResult(status -> {
                    shop.jdbc().sql("INSERT INTO orders VALUES ('o-1', 10)").update();
                    outbox.append(placed, ACME, "o-1", Map.of("total", 10));
                    throw new IllegalStateException("payment declined");
                }))
                .hasMessage("payment declined");
        assertThat(shop.jdbc()
                        .sql("SELECT count(*) FROM outbox")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(shop.jdbc()
                        .sql("SELECT count(*) FROM orders")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void an_event_of_another_capability_is_refused() {
        assertThatThrownBy(() -> shop.transactions()
                        .executeWithoutResult(
                                s -> outbox.append(EventType.of("payments", "x", 1), ACME, "p", Map.of())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void committed_events_reach_the_log_with_one_sequence_per_aggregate_in_commit_order() {
        relay(OutboxRelay.Faults.NONE);
        for (int i = 0; i < 60; i++) {
            placeOrder("o-" + (i % 6), i);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> unpublished() == 0);

        List<Event> log = LogReader.readAll(SharedKafka.bootstrapServers(), placed.topic(), 60, Duration.ofSeconds(30));
        assertThat(log).hasSize(60);
        Map<String, List<Long>> sequences = bySequence(log);
        assertThat(sequences).hasSize(6);
        sequences.values().forEach(seq -> assertThat(seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L));
        Event first = log.getFirst();
        assertThat(first.type()).isEqualTo(placed);
        assertThat(first.merchant()).isEqualTo(ACME);
        assertThat(first.key()).startsWith("acme/o-");
    }

    @Test
    void a_commit_wakes_the_relay_long_before_its_poll_interval() {
        OutboxRelay relay = new OutboxRelay(
                        shop,
                        publisher,
                        new RelaySettings(200, Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofSeconds(5)),
                        Clock.systemUTC(),
                        OutboxRelay.Faults.NONE)
                .start();
        closeLast.add(relay);
        Outbox waking = new Outbox(shop, Clock.systemUTC(), relay::wake);
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.status().relay() == OutboxStatus.RelayState.LEADER);
        // The first round ran and found nothing: the relay now waits, for five minutes unless woken.
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.status().unpublished() == 0);
        shop.transactions()
                .executeWithoutResult(s -> waking.append(placed, ACME, "o-woken", Map.of("orderId", "o-woken")));
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.publishedSinceStart() >= 1);
    }

    @Test
    void a_relay_that_dies_after_sending_and_before_marking_sends_again_and_nothing_is_lost() {
        AtomicBoolean crashOnce = new AtomicBoolean(true);
        relay(events -> {
            if (crashOnce.getAndSet(false)) {
                throw new IllegalStateException("relay crashed after the log acknowledged " + events.size());
            }
        });
        List<Appended> appended = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            appended.add(placeOrder("o-" + i, i));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> unpublished() == 0);

        List<Event> log = LogReader.readAll(SharedKafka.bootstrapServers(), placed.topic(), 21, Duration.ofSeconds(30));
        Set<UUID> ids = log.stream().map(Event::id).collect(Collectors.toSet());
        assertThat(ids).containsAll(appended.stream().map(Appended::eventId).toList());
        assertThat(log.size()).as("the crashed batch was sent twice").isGreaterThan(ids.size());

        // A view reading that log applies each event once.
        String viewName =
                "crash_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        AppliedEventsView view = new AppliedEventsView(viewName, placed.topic());
        try (ViewRuntime views = new ViewRuntime(stores, ViewConsumerLoop.on(SharedKafka.bootstrapServers()))) {
            views.start(view);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> views.freshness(viewName).stream().allMatch(f -> f.lagEvents() == 0)
                            && view.applied(views) >= 20);
            assertThat(view.applied(views)).isEqualTo(20);
            assertThat(view.distinctEvents(views)).isEqualTo(20);
        }
    }

    @Test
    void two_relays_share_one_lease_and_never_reorder_an_aggregate_even_across_a_takeover() throws Exception {
        OutboxRelay first = relay(OutboxRelay.Faults.NONE);
        OutboxRelay second = relay(OutboxRelay.Faults.NONE);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Set.of(first.status().relay(), second.status().relay())
                        .equals(Set.of(OutboxStatus.RelayState.LEADER, OutboxStatus.RelayState.STANDBY)));

        int writers = 4;
        int perWriter = 150;
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int w = 0; w < writers; w++) {
                int writer = w;
                pool.submit(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        placeOrder("o-" + ((writer + i) % 5), i);
                        if (writer == 0 && i == perWriter / 2) {
                            // The leader goes away mid-stream; the standby must take over where it stopped.
                            (first.status().relay() == OutboxStatus.RelayState.LEADER ? first : second).close();
                        }
                    }
                    return null;
                });
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> unpublished() == 0);

        int total = writers * perWriter;
        List<Event> log =
                LogReader.readAll(SharedKafka.bootstrapServers(), placed.topic(), total, Duration.ofSeconds(30));
        Map<String, List<Long>> sequences = bySequence(log);
        long distinct = log.stream().map(Event::id).distinct().count();
        assertThat(distinct).isEqualTo(total);
        sequences.forEach((key, seq) -> {
            // Duplicates may appear at a takeover; going backwards past a later sequence may not.
            List<Long> firstSeen = seq.stream().distinct().toList();
            assertThat(firstSeen).as("order of " + key).isSorted();
            assertThat(new HashSet<>(seq)).as("no gaps for " + key).hasSize(firstSeen.size());
            assertThat(firstSeen.getLast()).isEqualTo(firstSeen.size());
        });
    }

    @Test
    void the_backlog_and_the_age_of_its_oldest_row_are_reported_and_flagged() {
        OutboxRelay relay = new OutboxRelay(
                shop,
                publisher,
                new RelaySettings(100, Duration.ofMillis(100), Duration.ofHours(1), Duration.ZERO),
                Clock.systemUTC(),
                OutboxRelay.Faults.NONE);
        closeLast.add(relay);
        placeOrder("o-1", 1);
        placeOrder("o-2", 2);
        OutboxStatus before = relay.status();
        assertThat(before.unpublished()).isEqualTo(2);
        assertThat(before.alert()).as("threshold zero: any waiting row alerts").isTrue();

        relay.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.status().unpublished() == 0);
        OutboxStatus after = relay.status();
        assertThat(after.alert()).isFalse();
        assertThat(after.oldestUnpublishedAge()).isEqualTo(Duration.ZERO);
        assertThat(after.published()).isEqualTo(2);
    }

    static Map<String, List<Long>> bySequence(List<Event> log) {
        Map<String, List<Long>> sequences = new LinkedHashMap<>();
        for (Event e : log) {
            sequences.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e.sequence());
        }
        return sequences;
    }
}
