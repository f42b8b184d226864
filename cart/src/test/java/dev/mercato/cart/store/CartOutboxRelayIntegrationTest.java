package dev.mercato.cart.store;

import static dev.mercato.cart.testing.TestCatalog.aProduct;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.cart.Cart;
import dev.mercato.cart.domain.CartService;
import dev.mercato.cart.testing.TestCatalog;
import dev.mercato.cart.testing.TestClock;
import dev.mercato.catalog.Sku;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.Topics;
import dev.mercato.plane.events.schema.PayloadValidator;
import dev.mercato.plane.kafka.KafkaPublisher;
import dev.mercato.plane.testing.LogReader;
import dev.mercato.plane.testing.SharedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The relay from each cart store to a real Kafka broker. */
class CartOutboxRelayIntegrationTest {

    static final String TOPIC = Topics.of("cart");
    private static final AtomicInteger TABLES = new AtomicInteger();

    enum Kind {
        ROCKSDB,
        DYNAMODB
    }

    @TempDir
    Path folder;

    RocksStore rocks;
    CartStore store;
    CartService carts;
    KafkaPublisher publisher;
    final List<CartOutboxRelay> relays = new ArrayList<>();

    void open(Kind kind) {
        TestCatalog catalog = new TestCatalog();
        catalog.add(aProduct("MUG-1").build());
        catalog.add(aProduct("TEA-1").build());
        if (kind == Kind.ROCKSDB) {
            rocks = RocksStore.open(folder);
            store = new RocksCartStore(rocks);
        } else {
            store = DynamoCartStore.open(new DynamoSettings(
                    Optional.of(DynaliteServer.endpoint()),
                    "eu-west-1",
                    "relayed-carts-" + TABLES.incrementAndGet(),
                    "test-key",
                    "test-secret",
                    true));
        }
        carts = new CartService(store, catalog.catalog(), TestClock.at("2026-03-01T10:00:00Z"), Duration.ofHours(24));
        publisher = new KafkaPublisher(SharedKafka.bootstrapServers());
    }

    @AfterEach
    void tearDown() {
        relays.forEach(CartOutboxRelay::close);
        if (publisher != null) {
            publisher.close();
        }
        if (store != null) {
            store.close();
        }
        if (rocks != null) {
            rocks.close();
        }
    }

    CartOutboxRelay relay(CartOutboxRelay.Faults faults) {
        CartOutboxRelay relay = new CartOutboxRelay(store, publisher, Duration.ofMillis(200), 50, faults);
        relays.add(relay);
        return relay.start();
    }

    /** This test's carts' events in the log, per cart, in log order. */
    static Map<String, List<Event>> inLog(Set<String> carts, int atLeast) {
        List<Event> all = LogReader.readAll(SharedKafka.bootstrapServers(), TOPIC, atLeast, Duration.ofSeconds(30));
        Map<String, List<Event>> byCart = new LinkedHashMap<>();
        for (Event e : all) {
            if (carts.contains(e.aggregateId())) {
                byCart.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(e);
            }
        }
        return byCart;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void every_event_reaches_the_log_once_in_its_carts_order_while_carts_change(Kind kind) {
        open(kind);
        CartOutboxRelay relay = relay(CartOutboxRelay.Faults.NONE);
        List<Cart> made = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            made.add(carts.create(Optional.empty()));
        }
        for (int q = 1; q <= 5; q++) {
            for (Cart cart : made) {
                carts.setQuantity(cart.id(), Sku.of(q % 2 == 0 ? "TEA-1" : "MUG-1"), q, OptionalLong.empty());
            }
        }
        made.forEach(cart -> carts.convert(cart.id(), "o_" + cart.id()));
        int expected = made.size() * 7; // created, five line changes, converted

        await().atMost(Duration.ofSeconds(30)).until(() -> relay.published() >= expected);

        Map<String, List<Event>> log =
                inLog(made.stream().map(c -> c.id().value()).collect(Collectors.toSet()), expected);
        assertThat(log).hasSize(made.size());
        assertThat(log.values()).allSatisfy(events -> {
            assertThat(events).extracting(Event::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
            assertThat(events).extracting(Event::merchant).containsOnly(MerchantId.of("acme"));
            assertThat(events)
                    .allSatisfy(e -> assertThat(PayloadValidator.violations(e)).isEmpty());
        });
        assertThat(store.pending(10).isEmpty()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void a_relay_stopped_between_publish_and_mark_leaves_its_batch_to_the_next_one_and_no_sequence_is_lost(Kind kind)
            throws InterruptedException {
        open(kind);
        Cart cart = carts.create(Optional.empty());
        carts.setQuantity(cart.id(), Sku.of("MUG-1"), 1, OptionalLong.empty());
        CountDownLatch publishedOnce = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        CartOutboxRelay first = relay(events -> {
            publishedOnce.countDown();
            never.await(); // the crash: published, never marked, until the relay is stopped
        });
        assertThat(publishedOnce.await(30, TimeUnit.SECONDS)).isTrue();
        first.close();

        assertThat(store.pending(10).events()).extracting(Event::sequence).containsExactly(1L, 2L);
        carts.setQuantity(cart.id(), Sku.of("MUG-1"), 2, OptionalLong.empty());
        carts.setQuantity(cart.id(), Sku.of("TEA-1"), 1, OptionalLong.empty());
        CartOutboxRelay second = relay(CartOutboxRelay.Faults.NONE);
        await().atMost(Duration.ofSeconds(30)).until(() -> second.published() >= 4);

        List<Event> events = inLog(Set.of(cart.id().value()), 6).get(cart.id().value());
        // At least once: the stopped relay's batch is in the log twice, under the same event ids.
        assertThat(events).extracting(Event::sequence).containsExactly(1L, 2L, 1L, 2L, 3L, 4L);
        Map<Long, Set<UUID>> ids = events.stream()
                .collect(Collectors.groupingBy(Event::sequence, Collectors.mapping(Event::id, Collectors.toSet())));
        assertThat(ids.values()).allSatisfy(sameEvent -> assertThat(sameEvent).hasSize(1));
        assertThat(store.pending(10).isEmpty()).isTrue();
    }
}
