package dev.mercato.cart.domain;

import static dev.mercato.cart.testing.TestCatalog.aProduct;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.mercato.cart.Cart;
import dev.mercato.cart.CartId;
import dev.mercato.cart.CartLine;
import dev.mercato.cart.Carts;
import dev.mercato.cart.events.CartConverted;
import dev.mercato.cart.events.CartCreated;
import dev.mercato.cart.events.CartMerged;
import dev.mercato.cart.events.LineChanged;
import dev.mercato.cart.store.CartStore;
import dev.mercato.cart.store.OutboxBatch;
import dev.mercato.cart.store.RocksCartStore;
import dev.mercato.cart.store.RocksStore;
import dev.mercato.cart.store.StoredCart;
import dev.mercato.cart.testing.TestCatalog;
import dev.mercato.cart.testing.TestClock;
import dev.mercato.catalog.Sku;
import dev.mercato.customers.CustomerId;
import dev.mercato.plane.Conflict;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.PreconditionFailed;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.schema.PayloadValidator;
import dev.mercato.plane.web.MoneyJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cart rules, on a real RocksDB store in a temporary folder. */
class CartServiceIntegrationTest {

    static final Duration TTL = Duration.ofHours(24);
    static final CustomerId ALICE = CustomerId.of("alice");
    static final CustomerId BOB = CustomerId.of("bob");
    static final Sku MUG = Sku.of("MUG-1");
    static final Sku TEA = Sku.of("TEA-1");
    static final Sku LAMP = Sku.of("LAMP-1");
    static final Sku OLD = Sku.of("OLD-1");
    static final Sku DOLLAR = Sku.of("USD-1");

    @TempDir
    Path folder;

    RocksStore rocks;
    CartStore store;
    TestClock clock = TestClock.at("2026-03-01T10:00:00Z");
    TestCatalog catalog = new TestCatalog();
    CartService carts;

    @BeforeEach
    void setUp() {
        catalog.add(aProduct("MUG-1").titled("Blue mug").at("12.50", "EUR").build());
        catalog.add(aProduct("TEA-1").titled("Green tea").at("4.20", "EUR").build());
        catalog.add(aProduct("LAMP-1").of("lumen").at("30.00", "EUR").build());
        catalog.add(aProduct("OLD-1").retired().build());
        catalog.add(aProduct("USD-1").at("5.00", "USD").build());
        rocks = RocksStore.open(folder);
        store = new RocksCartStore(rocks);
        carts = new CartService(store, catalog.catalog(), clock, TTL);
    }

    @AfterEach
    void tearDown() {
        rocks.close();
    }

    Cart set(Cart cart, Sku sku, int quantity) {
        return carts.setQuantity(cart.id(), sku, quantity, OptionalLong.empty());
    }

    /** Every event emitted so far, removed from the outbox as the relay would. */
    List<Event> published() {
        List<Event> all = new ArrayList<>();
        for (OutboxBatch b = store.pending(1000); !b.isEmpty(); b = store.pending(1000)) {
            all.addAll(b.events());
            store.markPublished(b);
        }
        return all;
    }

    @Test
    void a_new_cart_is_empty_open_and_expires_a_ttl_from_now_and_emits_nothing_yet() {
        Cart cart = carts.create(Optional.of(ALICE));

        assertThat(cart.lines()).isEmpty();
        assertThat(cart.isOpen()).isTrue();
        assertThat(cart.owner()).contains(ALICE);
        assertThat(cart.merchant()).isEmpty();
        assertThat(cart.version()).isEqualTo(1);
        assertThat(cart.expiresAt()).isEqualTo(clock.instant().plus(TTL));
        assertThat(carts.find(cart.id())).contains(cart);
        assertThat(published()).isEmpty();
    }

    @Test
    void the_first_line_gives_the_cart_its_merchant_and_emits_cart_created_then_line_changed() {
        Cart cart = carts.create(Optional.of(ALICE));

        Cart after = set(cart, MUG, 2);

        assertThat(after.merchant()).contains(MerchantId.of("acme"));
        assertThat(after.lines()).containsExactly(new CartLine(MUG, 2, Money.of("12.50", "EUR"), "Blue mug"));
        assertThat(after.subtotal()).contains(Money.of("25.00", "EUR"));
        assertThat(after.version()).isEqualTo(2);
        List<Event> events = published();
        assertThat(events)
                .extracting(Event::type, Event::sequence, Event::aggregateId, Event::merchant)
                .containsExactly(
                        tuple(CartCreated.TYPE, 1L, cart.id().value(), MerchantId.of("acme")),
                        tuple(LineChanged.TYPE, 2L, cart.id().value(), MerchantId.of("acme")));
        assertThat(EventJson.read(events.get(0).data(), CartCreated.class))
                .isEqualTo(new CartCreated(cart.id().value(), "alice", cart.createdAt()));
        assertThat(EventJson.read(events.get(1).data(), LineChanged.class))
                .isEqualTo(new LineChanged(cart.id().value(), "MUG-1", 2, 0, new MoneyJson("12.50", "EUR")));
        assertThat(events)
                .allSatisfy(e -> assertThat(PayloadValidator.violations(e)).isEmpty());
    }

    @Test
    void an_anonymous_carts_created_event_has_no_owner_and_still_matches_its_schema() {
        Cart cart = carts.create(Optional.empty());
        set(cart, MUG, 1);

        Event created = published().getFirst();

        assertThat(EventJson.tree(created.data()).get("owner").isNull()).isTrue();
        assertThat(PayloadValidator.violations(created)).isEmpty();
    }

    @Test
    void quantity_zero_removes_the_line_and_says_what_it_was() {
        Cart cart = carts.create(Optional.empty());
        set(cart, MUG, 3);
        set(cart, TEA, 1);
        published();

        Cart after = set(cart, MUG, 0);

        assertThat(after.lines()).extracting(CartLine::sku).containsExactly(TEA);
        assertThat(after.merchant()).contains(MerchantId.of("acme"));
        assertThat(published())
                .singleElement()
                .satisfies(e -> assertThat(EventJson.read(e.data(), LineChanged.class))
                        .isEqualTo(new LineChanged(cart.id().value(), "MUG-1", 0, 3, new MoneyJson("12.50", "EUR"))));
    }

    @Test
    void setting_what_is_already_there_or_removing_what_is_not_changes_nothing() {
        Cart cart = carts.create(Optional.empty());
        Cart one = set(cart, MUG, 1);
        published();

        assertThat(set(cart, MUG, 1)).isEqualTo(one);
        assertThat(set(cart, TEA, 0)).isEqualTo(one);
        assertThat(published()).isEmpty();
    }

    @Test
    void a_changed_price_is_picked_up_when_the_line_is_set_again() {
        Cart cart = carts.create(Optional.empty());
        set(cart, MUG, 2);
        catalog.add(aProduct("MUG-1").titled("Blue mug").at("11.00", "EUR").build());

        Cart after = set(cart, MUG, 2);

        assertThat(after.line(MUG).orElseThrow().unitPrice()).isEqualTo(Money.of("11.00", "EUR"));
        assertThat(after.version()).isEqualTo(3);
    }

    @Test
    void a_product_of_another_merchant_is_refused_naming_both_merchants() {
        Cart cart = carts.create(Optional.empty());
        set(cart, MUG, 1);

        assertThatThrownBy(() -> set(cart, LAMP, 1))
                .isInstanceOfSatisfying(Conflict.class, c -> {
                    assertThat(c.type()).isEqualTo("cart-merchant-mismatch");
                    assertThat(c.properties())
                            .containsEntry("cartMerchant", "acme")
                            .containsEntry("productMerchant", "lumen");
                })
                .hasMessageContaining("acme")
                .hasMessageContaining("lumen");
        assertThat(carts.find(cart.id()).orElseThrow().lines()).hasSize(1);
    }

    @Test
    void an_emptied_cart_keeps_its_merchant() {
        Cart cart = carts.create(Optional.empty());
        set(cart, MUG, 1);
        set(cart, MUG, 0);

        assertThatThrownBy(() -> set(cart, LAMP, 1))
                .isInstanceOfSatisfying(
                        Conflict.class, c -> assertThat(c.type()).isEqualTo("cart-merchant-mismatch"));
    }

    @Test
    void a_product_in_another_currency_is_refused() {
        Cart cart = carts.create(Optional.empty());
        set(cart, MUG, 1);

        assertThatThrownBy(() -> set(cart, DOLLAR, 1))
                .isInstanceOfSatisfying(
                        Conflict.class, c -> assertThat(c.type()).isEqualTo("cart-currency-mismatch"));
    }

    @Test
    void a_retired_product_is_unavailable_but_its_line_can_still_be_removed() {
        Cart cart = carts.create(Optional.empty());
        catalog.add(aProduct("OLD-1").build());
        set(cart, OLD, 2);
        catalog.add(aProduct("OLD-1").retired().build());

        assertThatThrownBy(() -> set(cart, OLD, 3)).isInstanceOfSatisfying(Conflict.class, c -> {
            assertThat(c.type()).isEqualTo("product-unavailable");
            assertThat(c.properties()).containsEntry("sku", "OLD-1");
        });
        assertThat(set(cart, OLD, 0).lines()).isEmpty();
    }

    @Test
    void an_unknown_sku_is_not_found_as_a_product() {
        Cart cart = carts.create(Optional.empty());

        assertThatThrownBy(() -> set(cart, Sku.of("NOPE-1"), 1))
                .isInstanceOfSatisfying(
                        NotFound.class, e -> assertThat(e.kind()).isEqualTo("product"));
    }

    @Test
    void an_unknown_or_expired_cart_is_not_found_as_a_cart() {
        Cart cart = carts.create(Optional.empty());
        clock.advance(TTL);

        assertThatThrownBy(() -> set(cart, MUG, 1))
                .isInstanceOfSatisfying(
                        NotFound.class, e -> assertThat(e.kind()).isEqualTo("cart"));
        assertThatThrownBy(() -> set(
                        new Cart(
                                CartId.random(),
                                Optional.empty(),
                                Optional.empty(),
                                List.of(),
                                Cart.Status.OPEN,
                                1,
                                clock.instant(),
                                clock.instant(),
                                clock.instant(),
                                Optional.empty(),
                                Optional.empty()),
                        MUG,
                        1))
                .isInstanceOf(NotFound.class);
    }

    @Test
    void quantities_outside_zero_to_ninety_nine_are_invalid_input_on_the_quantity() {
        Cart cart = carts.create(Optional.empty());

        for (int bad : new int[] {-1, 100, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> set(cart, MUG, bad))
                    .isInstanceOfSatisfying(
                            InvalidInput.class, e -> assertThat(e.field()).isEqualTo("quantity"));
        }
        assertThat(set(cart, MUG, 99).line(MUG).orElseThrow().quantity()).isEqualTo(99);
    }

    @Test
    void the_hundred_and_first_distinct_product_is_refused_but_existing_lines_still_change() {
        Cart cart = carts.create(Optional.empty());
        for (int i = 0; i < Carts.MAX_LINES; i++) {
            catalog.add(aProduct("BULK-" + i).build());
            set(cart, Sku.of("BULK-" + i), 1);
        }

        assertThatThrownBy(() -> set(cart, MUG, 1))
                .isInstanceOfSatisfying(
                        Conflict.class, c -> assertThat(c.type()).isEqualTo("cart-full"));
        assertThat(set(cart, Sku.of("BULK-0"), 5).lines()).hasSize(Carts.MAX_LINES);
    }

    @Test
    void a_stale_expected_version_is_a_failed_precondition_and_writes_nothing() {
        Cart cart = carts.create(Optional.empty());
        Cart v2 = set(cart, MUG, 1);

        assertThatThrownBy(() -> carts.setQuantity(cart.id(), TEA, 1, OptionalLong.of(1)))
                .isInstanceOfSatisfying(
                        PreconditionFailed.class,
                        e -> assertThat(e.currentVersion()).isEqualTo(2));
        assertThat(carts.find(cart.id())).contains(v2);

        Cart v3 = carts.setQuantity(cart.id(), TEA, 1, OptionalLong.of(2));
        assertThat(v3.version()).isEqualTo(3);
        assertThat(v3.lines()).hasSize(2);
    }

    @Test
    void converting_freezes_the_cart_and_is_idempotent_for_the_same_order_only() {
        Cart cart = carts.create(Optional.of(ALICE));
        set(cart, MUG, 1);

        Cart converted = carts.convert(cart.id(), "o_42");

        assertThat(converted.status()).isEqualTo(Cart.Status.CONVERTED);
        assertThat(converted.orderId()).contains("o_42");
        assertThat(carts.convert(cart.id(), "o_42")).isEqualTo(converted);
        assertThatThrownBy(() -> carts.convert(cart.id(), "o_43")).isInstanceOfSatisfying(Conflict.class, c -> {
            assertThat(c.type()).isEqualTo("cart-converted");
            assertThat(c.properties()).containsEntry("orderId", "o_42");
        });
        assertThatThrownBy(() -> set(cart, TEA, 1))
                .isInstanceOfSatisfying(
                        Conflict.class, c -> assertThat(c.type()).isEqualTo("cart-converted"));
        assertThat(published())
                .extracting(Event::type)
                .containsExactly(CartCreated.TYPE, LineChanged.TYPE, CartConverted.TYPE);
    }

    @Test
    void a_blank_order_id_is_invalid_input() {
        Cart cart = carts.create(Optional.empty());

        assertThatThrownBy(() -> carts.convert(cart.id(), " "))
                .isInstanceOfSatisfying(
                        InvalidInput.class, e -> assertThat(e.field()).isEqualTo("orderId"));
    }

    @Test
    void merging_adds_quantities_capped_at_ninety_nine_and_freezes_the_anonymous_cart() {
        Cart mine = carts.create(Optional.of(ALICE));
        set(mine, MUG, 90);
        Cart anonymous = carts.create(Optional.empty());
        set(anonymous, MUG, 20);
        set(anonymous, TEA, 2);
        published();

        Cart merged = carts.merge(anonymous.id(), ALICE);

        assertThat(merged.id()).isEqualTo(mine.id());
        assertThat(merged.lines())
                .extracting(l -> l.sku().value(), CartLine::quantity)
                .containsExactly(tuple("MUG-1", 99), tuple("TEA-1", 2));
        Cart frozen = carts.find(anonymous.id()).orElseThrow();
        assertThat(frozen.status()).isEqualTo(Cart.Status.MERGED);
        assertThat(frozen.mergedInto()).contains(mine.id());
        assertThatThrownBy(() -> set(anonymous, TEA, 3)).isInstanceOfSatisfying(Conflict.class, c -> {
            assertThat(c.type()).isEqualTo("cart-merged");
            assertThat(c.properties()).containsEntry("mergedInto", mine.id().value());
        });
        List<Event> events = published();
        assertThat(events)
                .filteredOn(e -> e.aggregateId().equals(anonymous.id().value()))
                .singleElement()
                .satisfies(e -> assertThat(EventJson.read(e.data(), CartMerged.class))
                        .isEqualTo(
                                new CartMerged(anonymous.id().value(), mine.id().value())));
        assertThat(events)
                .filteredOn(e -> e.aggregateId().equals(mine.id().value()))
                .extracting(e -> EventJson.read(e.data(), LineChanged.class))
                .extracting(LineChanged::sku, LineChanged::quantity, LineChanged::previousQuantity)
                .containsExactly(tuple("MUG-1", 99, 90), tuple("TEA-1", 2, 0));
        assertThat(events)
                .allSatisfy(e -> assertThat(PayloadValidator.violations(e)).isEmpty());
    }

    @Test
    void merging_again_returns_the_customers_cart_without_adding_twice() {
        Cart mine = carts.create(Optional.of(ALICE));
        set(mine, MUG, 1);
        Cart anonymous = carts.create(Optional.empty());
        set(anonymous, MUG, 2);

        Cart first = carts.merge(anonymous.id(), ALICE);
        Cart second = carts.merge(anonymous.id(), ALICE);

        assertThat(second).isEqualTo(first);
        assertThat(second.line(MUG).orElseThrow().quantity()).isEqualTo(3);
    }

    @Test
    void a_customer_without_a_cart_of_that_merchant_adopts_the_anonymous_cart() {
        Cart other = carts.create(Optional.of(ALICE));
        set(other, LAMP, 1);
        Cart anonymous = carts.create(Optional.empty());
        set(anonymous, MUG, 2);
        published();

        Cart adopted = carts.merge(anonymous.id(), ALICE);

        assertThat(adopted.id()).isEqualTo(anonymous.id());
        assertThat(adopted.owner()).contains(ALICE);
        assertThat(adopted.isOpen()).isTrue();
        assertThat(carts.find(other.id()).orElseThrow().lines()).hasSize(1);
        assertThat(store.openCartsOf(ALICE, clock.instant()))
                .extracting(StoredCart::id)
                .containsExactlyInAnyOrder(other.id(), anonymous.id());
        assertThat(carts.merge(anonymous.id(), ALICE)).isEqualTo(adopted);
        assertThat(published()).isEmpty();
    }

    @Test
    void the_most_recently_updated_cart_of_the_merchant_is_the_one_merged_into() {
        Cart older = carts.create(Optional.of(ALICE));
        set(older, MUG, 1);
        clock.advance(Duration.ofMinutes(5));
        Cart newer = carts.create(Optional.of(ALICE));
        set(newer, TEA, 1);
        clock.advance(Duration.ofMinutes(5));
        Cart anonymous = carts.create(Optional.empty());
        set(anonymous, MUG, 4);

        assertThat(carts.merge(anonymous.id(), ALICE).id()).isEqualTo(newer.id());
        assertThat(carts.find(older.id()).orElseThrow().line(MUG).orElseThrow().quantity())
                .isEqualTo(1);
    }

    @Test
    void another_customers_cart_or_a_cart_merged_into_one_is_not_found_for_this_customer() {
        Cart bobs = carts.create(Optional.of(BOB));
        Cart anonymous = carts.create(Optional.empty());
        set(anonymous, MUG, 1);
        carts.merge(anonymous.id(), ALICE);

        assertThatThrownBy(() -> carts.merge(bobs.id(), ALICE)).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> carts.merge(anonymous.id(), BOB)).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> carts.merge(CartId.random(), ALICE)).isInstanceOf(NotFound.class);
    }

    @Test
    void a_merge_interrupted_after_freezing_the_anonymous_cart_is_finished_once_by_the_next_merge() {
        Cart mine = carts.create(Optional.of(ALICE));
        set(mine, MUG, 1);
        Cart anonymous = set(carts.create(Optional.empty()), MUG, 2);
        // What a crash between the two writes of a merge leaves: the anonymous cart frozen, nothing moved.
        StoredCart stored = store.read(anonymous.id(), clock.instant()).orElseThrow();
        Cart frozen = new Cart(
                anonymous.id(),
                Optional.empty(),
                anonymous.merchant(),
                anonymous.lines(),
                Cart.Status.MERGED,
                anonymous.version() + 1,
                anonymous.createdAt(),
                clock.instant(),
                clock.instant().plus(TTL),
                Optional.empty(),
                Optional.of(mine.id()));
        assertThat(store.compareAndSet(anonymous.version(), stored.with(frozen, stored.lastSequence()), List.of()))
                .isTrue();

        Cart finished = carts.merge(anonymous.id(), ALICE);
        Cart again = carts.merge(anonymous.id(), ALICE);

        assertThat(finished.id()).isEqualTo(mine.id());
        assertThat(finished.line(MUG).orElseThrow().quantity()).isEqualTo(3);
        assertThat(again.line(MUG).orElseThrow().quantity()).isEqualTo(3);
    }

    @Test
    void a_converted_anonymous_cart_cannot_be_merged() {
        Cart anonymous = set(carts.create(Optional.empty()), MUG, 1);
        carts.convert(anonymous.id(), "o_1");

        assertThatThrownBy(() -> carts.merge(anonymous.id(), ALICE))
                .isInstanceOfSatisfying(
                        Conflict.class, c -> assertThat(c.type()).isEqualTo("cart-converted"));
    }
}
