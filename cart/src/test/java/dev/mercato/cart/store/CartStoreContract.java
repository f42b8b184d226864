package dev.mercato.cart.store;

import static dev.mercato.cart.testing.TestCatalog.aProduct;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.cart.Cart;
import dev.mercato.cart.CartId;
import dev.mercato.cart.CartLine;
import dev.mercato.cart.domain.CartService;
import dev.mercato.cart.events.CartCreated;
import dev.mercato.cart.events.CartExpired;
import dev.mercato.cart.events.LineChanged;
import dev.mercato.cart.testing.TestCatalog;
import dev.mercato.cart.testing.TestClock;
import dev.mercato.catalog.Sku;
import dev.mercato.customers.CustomerId;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.schema.PayloadValidator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every cart store promises, run against each implementation. The store is exercised directly and
 * through {@link CartService}, with a clock the tests move.
 */
abstract class CartStoreContract {

    static final Duration TTL = Duration.ofHours(24);
    static final CustomerId ALICE = CustomerId.of("alice");
    static final CustomerId BOB = CustomerId.of("bob");

    TestClock clock;
    TestCatalog catalog;
    CartStore store;
    CartService carts;

    /** A new, empty store for one test. */
    abstract CartStore openStore();

    @BeforeEach
    void setUp() {
        clock = TestClock.at("2026-03-01T10:00:00Z");
        catalog = new TestCatalog();
        catalog.add(aProduct("MUG-1").titled("Blue mug").at("12.50", "EUR").build());
        catalog.add(aProduct("TEA-1").at("4.20", "EUR").build());
        store = openStore();
        carts = new CartService(store, catalog.catalog(), clock, TTL);
    }

    @AfterEach
    void tearDown() {
        if (store != null) {
            store.close();
        }
    }

    Cart newCart(Optional<CustomerId> owner, long version) {
        Instant now = clock.instant();
        return new Cart(
                CartId.random(),
                owner,
                Optional.empty(),
                List.of(),
                Cart.Status.OPEN,
                version,
                now,
                now,
                now.plus(TTL),
                Optional.empty(),
                Optional.empty());
    }

    Cart withLine(Cart c, String sku, int quantity) {
        List<CartLine> lines = new ArrayList<>(c.lines());
        lines.add(new CartLine(Sku.of(sku), quantity, Money.of("1.00", "EUR"), "Thing " + sku));
        return new Cart(
                c.id(),
                c.owner(),
                Optional.of(MerchantId.of("acme")),
                lines,
                c.status(),
                c.version() + 1,
                c.createdAt(),
                clock.instant(),
                clock.instant().plus(TTL),
                c.orderId(),
                c.mergedInto());
    }

    Event event(CartId cart, long sequence) {
        return new Event(
                UUID.randomUUID(),
                LineChanged.TYPE,
                clock.instant(),
                MerchantId.of("acme"),
                cart.value(),
                sequence,
                "",
                EventJson.write(new LineChanged(
                        cart.value(), "MUG-1", 1, 0, new dev.mercato.plane.web.MoneyJson("1.00", "EUR"))));
    }

    /** Every pending event, publishing (removing) nothing. */
    List<Event> pendingEvents() {
        return store.pending(10_000).events();
    }

    /** Publishes everything pending, as the relay does, and returns it. */
    List<Event> drainOutbox() {
        List<Event> all = new ArrayList<>();
        for (OutboxBatch batch = store.pending(1000); !batch.isEmpty(); batch = store.pending(1000)) {
            all.addAll(batch.events());
            store.markPublished(batch);
        }
        return all;
    }

    @Test
    void a_created_cart_reads_back_as_it_was_written() {
        Cart cart = withLine(newCart(Optional.of(ALICE), 1), "MUG-1", 2);
        assertThat(store.create(new StoredCart(cart, 3, List.of(CartId.random()))))
                .isTrue();

        StoredCart read = store.read(cart.id(), clock.instant()).orElseThrow();

        assertThat(read.cart()).isEqualTo(cart);
        assertThat(read.lastSequence()).isEqualTo(3);
        assertThat(read.mergedFrom()).hasSize(1);
    }

    @Test
    void a_second_create_with_the_same_id_is_refused_and_changes_nothing() {
        Cart cart = newCart(Optional.empty(), 1);
        assertThat(store.create(StoredCart.of(cart))).isTrue();

        assertThat(store.create(StoredCart.of(withLine(cart, "MUG-1", 1)))).isFalse();
        assertThat(store.read(cart.id(), clock.instant()).orElseThrow().cart()).isEqualTo(cart);
    }

    @Test
    void an_unknown_cart_reads_as_absent() {
        assertThat(store.read(CartId.random(), clock.instant())).isEmpty();
    }

    @Test
    void a_compare_and_set_on_the_current_version_writes_the_cart_and_its_events_together() {
        Cart cart = newCart(Optional.empty(), 1);
        store.create(StoredCart.of(cart));
        Cart next = withLine(cart, "MUG-1", 1);

        boolean written = store.compareAndSet(
                1, new StoredCart(next, 2, List.of()), List.of(event(cart.id(), 1), event(cart.id(), 2)));

        assertThat(written).isTrue();
        assertThat(store.read(cart.id(), clock.instant()).orElseThrow().cart()).isEqualTo(next);
        assertThat(pendingEvents())
                .extracting(Event::aggregateId, Event::sequence)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(cart.id().value(), 1L),
                        org.assertj.core.groups.Tuple.tuple(cart.id().value(), 2L));
    }

    @Test
    void a_compare_and_set_on_a_stale_version_writes_neither_the_cart_nor_its_events() {
        Cart cart = newCart(Optional.empty(), 1);
        store.create(StoredCart.of(cart));
        Cart first = withLine(cart, "MUG-1", 1);
        assertThat(store.compareAndSet(1, new StoredCart(first, 1, List.of()), List.of(event(cart.id(), 1))))
                .isTrue();

        Cart stale = withLine(cart, "TEA-1", 1);
        boolean written = store.compareAndSet(1, new StoredCart(stale, 1, List.of()), List.of(event(cart.id(), 1)));

        assertThat(written).isFalse();
        assertThat(store.read(cart.id(), clock.instant()).orElseThrow().cart()).isEqualTo(first);
        assertThat(pendingEvents()).hasSize(1);
    }

    @Test
    void a_compare_and_set_on_a_cart_that_does_not_exist_is_refused() {
        Cart ghost = newCart(Optional.empty(), 1);

        assertThat(store.compareAndSet(1, StoredCart.of(withLine(ghost, "MUG-1", 1)), List.of()))
                .isFalse();
        assertThat(store.read(ghost.id(), clock.instant())).isEmpty();
    }

    @Test
    void eight_writers_changing_one_cart_at_once_lose_no_line() throws Exception {
        int writers = 8;
        int skusEach = 12; // 96 lines: within the 100-line limit
        int quantities = 4; // each SKU set to 1, 2, 3, 4: 48 changes per writer, 384 in all
        for (int w = 0; w < writers; w++) {
            for (int s = 0; s < skusEach; s++) {
                catalog.add(aProduct("W" + w + "-S" + s).build());
            }
        }
        Cart cart = carts.create(Optional.empty());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int q = 1; q <= quantities; q++) {
                        for (int s = 0; s < skusEach; s++) {
                            carts.setQuantity(cart.id(), Sku.of("W" + writer + "-S" + s), q, OptionalLong.empty());
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        Cart after = carts.find(cart.id()).orElseThrow();
        int changes = writers * skusEach * quantities;
        assertThat(after.lines())
                .hasSize(writers * skusEach)
                .allSatisfy(l -> assertThat(l.quantity()).isEqualTo(quantities));
        assertThat(after.version()).isEqualTo(1 + changes);
        // One cart-created, then one line-changed per change, numbered without gaps or repeats.
        List<Event> events = drainOutbox();
        assertThat(events).extracting(Event::sequence).containsExactlyElementsOf(LongRange.of(1, changes + 1));
        assertThat(events.getFirst().type()).isEqualTo(CartCreated.TYPE);
    }

    @Test
    void an_expired_cart_is_invisible_before_it_is_swept() {
        Cart cart = carts.create(Optional.empty());

        clock.advance(TTL.minusMillis(1));
        assertThat(carts.find(cart.id())).isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(carts.find(cart.id())).isEmpty();
        assertThat(store.read(cart.id(), clock.instant())).isEmpty();
    }

    @Test
    void every_change_refreshes_the_inactivity_ttl() {
        Cart cart = carts.create(Optional.empty());
        clock.advance(Duration.ofHours(20));

        carts.setQuantity(cart.id(), Sku.of("MUG-1"), 1, OptionalLong.empty());
        clock.advance(Duration.ofHours(20));

        assertThat(carts.find(cart.id())).isPresent();
        assertThat(carts.sweepExpired()).isZero();
        assertThat(carts.find(cart.id()).orElseThrow().expiresAt())
                .isEqualTo(Instant.parse("2026-03-01T10:00:00Z")
                        .plus(Duration.ofHours(20))
                        .plus(TTL));
    }

    @Test
    void sweeping_deletes_expired_carts_and_says_an_abandoned_one_expired() {
        Cart abandoned = carts.create(Optional.of(ALICE));
        carts.setQuantity(abandoned.id(), Sku.of("MUG-1"), 3, OptionalLong.empty());
        Cart empty = carts.create(Optional.empty());
        Cart converted = carts.create(Optional.empty());
        carts.setQuantity(converted.id(), Sku.of("TEA-1"), 1, OptionalLong.empty());
        carts.convert(converted.id(), "o_1");
        clock.advance(Duration.ofHours(1));
        Cart fresh = carts.create(Optional.empty());
        List<Event> before = drainOutbox();
        clock.advance(TTL.minusMinutes(30));

        int swept = carts.sweepExpired();

        assertThat(swept).isEqualTo(3);
        assertThat(carts.find(fresh.id())).isPresent();
        assertThat(carts.find(abandoned.id())).isEmpty();
        assertThat(carts.find(empty.id())).isEmpty();
        assertThat(store.openCartsOf(ALICE, clock.instant())).isEmpty();
        List<Event> expired = drainOutbox();
        assertThat(expired).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(CartExpired.TYPE);
            assertThat(e.aggregateId()).isEqualTo(abandoned.id().value());
            assertThat(e.sequence()).isEqualTo(3); // after cart-created and line-changed
            assertThat(EventJson.read(e.data(), CartExpired.class))
                    .isEqualTo(new CartExpired(abandoned.id().value(), 3));
            assertThat(PayloadValidator.violations(e)).isEmpty();
        });
        assertThat(before).hasSize(5);
        assertThat(carts.sweepExpired()).isZero();
    }

    @Test
    void a_cart_swept_before_its_events_were_published_still_publishes_them_in_order() {
        Cart cart = carts.create(Optional.empty());
        carts.setQuantity(cart.id(), Sku.of("MUG-1"), 1, OptionalLong.empty());
        clock.advance(TTL);

        assertThat(carts.sweepExpired()).isEqualTo(1);

        assertThat(carts.find(cart.id())).isEmpty();
        assertThat(drainOutbox())
                .extracting(e -> e.type().name(), Event::sequence)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("cart-created", 1L),
                        org.assertj.core.groups.Tuple.tuple("line-changed", 2L),
                        org.assertj.core.groups.Tuple.tuple("cart-expired", 3L));
        assertThat(pendingEvents()).isEmpty();
    }

    @Test
    void the_owner_index_lists_a_customers_open_carts_and_nothing_else() {
        Cart first = carts.create(Optional.of(ALICE));
        Cart second = carts.create(Optional.of(ALICE));
        carts.setQuantity(second.id(), Sku.of("MUG-1"), 1, OptionalLong.empty());
        Cart checkedOut = carts.create(Optional.of(ALICE));
        carts.convert(checkedOut.id(), "o_7");
        carts.create(Optional.of(BOB));
        carts.create(Optional.empty());

        assertThat(store.openCartsOf(ALICE, clock.instant()))
                .extracting(StoredCart::id)
                .containsExactlyInAnyOrder(first.id(), second.id());
        assertThat(store.openCartsOf(CustomerId.of("carol"), clock.instant())).isEmpty();

        clock.advance(TTL);
        assertThat(store.openCartsOf(ALICE, clock.instant())).isEmpty();
    }

    @Test
    void a_merge_at_login_moves_the_anonymous_lines_into_the_customers_cart_of_that_merchant() {
        Cart mine = carts.create(Optional.of(ALICE));
        carts.setQuantity(mine.id(), Sku.of("MUG-1"), 2, OptionalLong.empty());
        Cart anonymous = carts.create(Optional.empty());
        carts.setQuantity(anonymous.id(), Sku.of("MUG-1"), 1, OptionalLong.empty());
        carts.setQuantity(anonymous.id(), Sku.of("TEA-1"), 5, OptionalLong.empty());

        Cart merged = carts.merge(anonymous.id(), ALICE);

        assertThat(merged.id()).isEqualTo(mine.id());
        assertThat(merged.lines())
                .extracting(l -> l.sku().value(), CartLine::quantity)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("MUG-1", 3),
                        org.assertj.core.groups.Tuple.tuple("TEA-1", 5));
        assertThat(carts.find(anonymous.id()).orElseThrow().status()).isEqualTo(Cart.Status.MERGED);
        assertThat(carts.merge(anonymous.id(), ALICE))
                .isEqualTo(carts.find(mine.id()).orElseThrow());
        assertThat(carts.find(mine.id())
                        .orElseThrow()
                        .line(Sku.of("MUG-1"))
                        .orElseThrow()
                        .quantity())
                .isEqualTo(3);
    }

    @Test
    void pending_events_stay_until_published_and_are_gone_after() {
        Cart cart = carts.create(Optional.empty());
        carts.setQuantity(cart.id(), Sku.of("MUG-1"), 1, OptionalLong.empty());
        carts.setQuantity(cart.id(), Sku.of("MUG-1"), 2, OptionalLong.empty());

        OutboxBatch batch = store.pending(100);
        assertThat(batch.events()).extracting(Event::sequence).containsExactly(1L, 2L, 3L);
        assertThat(store.pending(100).events())
                .extracting(Event::id)
                .containsExactlyElementsOf(
                        batch.events().stream().map(Event::id).toList());

        carts.setQuantity(cart.id(), Sku.of("TEA-1"), 1, OptionalLong.empty());
        store.markPublished(batch);

        assertThat(pendingEvents()).extracting(Event::sequence).containsExactly(4L);
        assertThat(store.read(cart.id(), clock.instant()).orElseThrow().lastSequence())
                .isEqualTo(4);
        drainOutbox();
        assertThat(pendingEvents()).isEmpty();
    }

    @Test
    void each_carts_pending_events_come_in_sequence_order_and_carry_valid_payloads() {
        Map<CartId, Integer> changes = new ConcurrentHashMap<>();
        for (int c = 0; c < 5; c++) {
            Cart cart = carts.create(Optional.of(ALICE));
            for (int q = 1; q <= 4; q++) {
                carts.setQuantity(cart.id(), Sku.of(q % 2 == 0 ? "MUG-1" : "TEA-1"), q, OptionalLong.empty());
            }
            carts.convert(cart.id(), "o_" + c);
            changes.put(cart.id(), 6);
        }

        List<Event> events = drainOutbox();

        Map<String, List<Long>> sequences = events.stream()
                .collect(Collectors.groupingBy(
                        Event::aggregateId, Collectors.mapping(Event::sequence, Collectors.toList())));
        assertThat(sequences)
                .hasSize(5)
                .allSatisfy((cart, seqs) -> assertThat(seqs).containsExactly(1L, 2L, 3L, 4L, 5L, 6L));
        assertThat(events)
                .allSatisfy(e -> assertThat(PayloadValidator.violations(e)).isEmpty());
    }

    @Test
    void events_appended_while_a_relay_drains_the_outbox_are_each_drained_once() throws Exception {
        int writers = 6;
        int changes = 15;
        List<Cart> made = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            made.add(carts.create(Optional.empty()));
        }
        List<Event> drained = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread relay = Thread.ofPlatform().start(() -> {
            while (writing.get()) {
                OutboxBatch batch = store.pending(7); // small rounds: many of them overlap the writes
                drained.addAll(batch.events());
                store.markPublished(batch);
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Cart cart : made) {
                done.add(pool.submit(() -> {
                    for (int q = 1; q <= changes; q++) {
                        carts.setQuantity(cart.id(), Sku.of("MUG-1"), q, OptionalLong.empty());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            writing.set(false);
            relay.join();
        }
        drained.addAll(drainOutbox());

        Map<String, List<Long>> sequences = drained.stream()
                .collect(Collectors.groupingBy(
                        Event::aggregateId, Collectors.mapping(Event::sequence, Collectors.toList())));
        assertThat(sequences)
                .hasSize(writers)
                .allSatisfy((cart, seqs) -> assertThat(seqs).containsExactlyElementsOf(LongRange.of(1, changes + 1)));
    }

    /** Inclusive ranges of longs, for expected sequences. */
    static final class LongRange {
        static List<Long> of(long from, long to) {
            return IntStream.rangeClosed((int) from, (int) to)
                    .mapToObj(i -> (long) i)
                    .toList();
        }
    }
}
