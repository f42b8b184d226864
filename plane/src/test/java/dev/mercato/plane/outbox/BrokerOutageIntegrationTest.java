package dev.mercato.plane.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.kafka.DurabilitySettings;
import dev.mercato.plane.kafka.EmbeddedKafka;
import dev.mercato.plane.kafka.EmbeddedKafkaSettings;
import dev.mercato.plane.kafka.KafkaPublisher;
import dev.mercato.plane.kafka.LogTopics;
import dev.mercato.plane.kafka.ViewConsumerLoop;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import dev.mercato.plane.testing.AppliedEventsView;
import dev.mercato.plane.testing.LogReader;
import dev.mercato.plane.testing.SharedPostgres;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log goes away for 30 s while the business keeps writing: nothing committed is lost. */
class BrokerOutageIntegrationTest {

    static final Duration OUTAGE = Duration.ofSeconds(30);
    static final MerchantId ACME = MerchantId.of("acme");
    static final EventType PLACED = EventType.of("shop", "order-placed", 1);

    @TempDir
    Path kafkaFolder;

    @Test
    void writes_succeed_while_the_broker_is_down_the_backlog_grows_and_drains_afterwards() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        EmbeddedKafkaSettings brokerSettings = new EmbeddedKafkaSettings(kafkaFolder, port, Map.of());
        EmbeddedKafka broker = EmbeddedKafka.start(brokerSettings);
        LogTopics.ensure(broker.bootstrapServers(), List.of(PLACED.topic()), 4, DurabilitySettings.EMBEDDED);

        try (PostgresStores stores = SharedPostgres.freshStores()) {
            CapabilityStore shop = stores.open("shop");
            stores.migrate(shop, "classpath:db/plane/outbox", "plane_outbox_history");
            Outbox outbox = new Outbox(shop, Clock.systemUTC());
            List<UUID> committed = new ArrayList<>();
            Runnable write = () -> committed.add(shop.transactions()
                    .execute(s ->
                            outbox.append(PLACED, ACME, "o-" + committed.size() % 7, Map.of("n", committed.size())))
                    .eventId());

            AppliedEventsView view = new AppliedEventsView("outage_view", PLACED.topic());
            try (KafkaPublisher publisher = new KafkaPublisher(broker.bootstrapServers());
                    ViewRuntime views = new ViewRuntime(stores, ViewConsumerLoop.on(broker.bootstrapServers()));
                    OutboxRelay relay = new OutboxRelay(
                                    shop,
                                    publisher,
                                    new RelaySettings(
                                            200, Duration.ofMillis(100), Duration.ofHours(1), Duration.ofSeconds(5)),
                                    Clock.systemUTC(),
                                    OutboxRelay.Faults.NONE)
                            .start()) {
                views.start(view);
                for (int i = 0; i < 50; i++) {
                    write.run();
                }
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> relay.status().unpublished() == 0);

                broker.close();
                long outageStart = System.nanoTime();
                // The business keeps writing at a steady pace for the whole outage: every write commits.
                await().atMost(OUTAGE.plusSeconds(30))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            write.run();
                            return System.nanoTime() - outageStart >= OUTAGE.toNanos();
                        });
                OutboxStatus during = relay.status();
                assertThat(during.unpublished()).as("backlog during the outage").isGreaterThan(100);
                assertThat(during.alert())
                        .as("the oldest row waited past the threshold")
                        .isTrue();
                assertThat(during.relay()).isEqualTo(OutboxStatus.RelayState.FAILING);

                broker = EmbeddedKafka.start(brokerSettings);
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> relay.status().unpublished() == 0);
                assertThat(relay.status().alert()).isFalse();
                // The view catches up through the outage too: every committed event applied exactly once.
                await().atMost(Duration.ofSeconds(90)).until(() -> view.applied(views) >= committed.size());
                assertThat(view.applied(views)).isEqualTo(committed.size());
                assertThat(view.distinctEvents(views)).isEqualTo(committed.size());
            }

            List<Event> log = LogReader.readAll(
                    broker.bootstrapServers(), PLACED.topic(), committed.size(), Duration.ofSeconds(30));
            var inLog = log.stream().map(Event::id).collect(Collectors.toSet());
            assertThat(inLog).as("every committed event reached the log").containsAll(committed);
            assertThat(inLog).hasSize(committed.size());
        } finally {
            broker.close();
        }
    }
}
