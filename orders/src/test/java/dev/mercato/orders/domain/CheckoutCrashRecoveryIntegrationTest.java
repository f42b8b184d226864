package dev.mercato.orders.domain;

import static dev.mercato.orders.domain.Shop.CUP;
import static dev.mercato.orders.domain.Shop.MUG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.cart.Cart;
import dev.mercato.cart.CartId;
import dev.mercato.cart.domain.CartService;
import dev.mercato.cart.store.RocksCartStore;
import dev.mercato.cart.store.RocksStore;
import dev.mercato.customers.CustomerId;
import dev.mercato.inventory.Reservation;
import dev.mercato.inventory.ReservationId;
import dev.mercato.orders.CheckoutRequest;
import dev.mercato.orders.CheckoutResponse;
import dev.mercato.orders.OrderId;
import dev.mercato.orders.domain.CheckoutFaults.Point;
import dev.mercato.orders.events.CheckoutFailed;
import dev.mercato.orders.events.OrderPlaced;
import dev.mercato.payments.ProviderLedger;
import dev.mercato.payments.provider.SimulatedProviderSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The process dies at every point of the saga; a restarted process finishes the checkout from its record.
 * Whatever the point, the outcome is one of two, never an orphan: the order is placed with its stock
 * confirmed and its payment authorized once, or no order exists, the stock is back and any authorization
 * is voided.
 */
class CheckoutCrashRecoveryIntegrationTest {

    static final CustomerId ADA = CustomerId.of("ada");

    @TempDir
    Path folder;

    Shop shop;

    @BeforeEach
    void open() {
        shop = new Shop(folder, SimulatedProviderSettings.DETERMINISTIC);
        shop.product(MUG, "9.90", 5);
    }

    @AfterEach
    void close() {
        shop.close();
    }

    /** Crashes once at {@code at}, for the checkout of {@code token}; then the restarted process recovers. */
    CheckoutRequest crashAt(Point at, String token) {
        CartId cart = shop.cart(ADA, MUG, 2);
        CheckoutRequest request = Shop.request(ADA, cart, token);
        OrderService dying = shop.restart((point, id) -> {
            if (point == at) {
                throw new CheckoutFaults.Crash(point);
            }
        });
        assertThatThrownBy(() -> dying.checkout(request)).isInstanceOf(CheckoutFaults.Crash.class);
        OrderService restarted = shop.restart(CheckoutFaults.NONE);
        // Nothing is recovered while the dead request's lease runs; then recovery takes it.
        assertThat(restarted.recover()).isZero();
        shop.clock.advance(shop.settings.lease().plusSeconds(1));
        restarted.recover();
        return request;
    }

    @Test
    void another_instance_without_the_cart_in_its_cart_store_finishes_the_order() {
        CartId cart = shop.cart(ADA, MUG, 2);
        CheckoutRequest request = Shop.request(ADA, cart, "tok_visa");
        OrderService dying = shop.restart((point, id) -> {
            if (point == Point.CONFIRMED) {
                throw new CheckoutFaults.Crash(point);
            }
        });
        assertThatThrownBy(() -> dying.checkout(request)).isInstanceOf(CheckoutFaults.Crash.class);

        // The recovering instance keeps carts in its own RocksDB: the dead instance's cart is not there.
        try (RocksStore elsewhere = RocksStore.open(folder.resolve("other-instance-carts"))) {
            CartService itsCarts =
                    new CartService(new RocksCartStore(elsewhere), shop.catalog, shop.clock, Duration.ofHours(24));
            OrderService other = shop.restart(CheckoutFaults.NONE, itsCarts);
            shop.clock.advance(shop.settings.lease().plusSeconds(1));
            assertThat(other.recover()).isEqualTo(1);

            CheckoutResponse answer = other.checkout(request);
            assertThat(answer.status()).as(answer.body()).isEqualTo(201);
            OrderId id = answer.orderId().orElseThrow();
            assertThat(shop.outboxRows(OrderPlaced.TYPE.wire())).isEqualTo(1);
            assertThat(shop.inventory
                            .reservation(ReservationId.of(id.value()))
                            .orElseThrow()
                            .status())
                    .isEqualTo(Reservation.Status.CONFIRMED);
            assertNoOrphans();
        }
    }

    @Test
    void an_anonymous_cart_merged_while_its_checkout_runs_does_not_leave_the_checkout_stuck() {
        var anonymous = shop.carts.create(java.util.Optional.empty());
        shop.carts.setQuantity(anonymous.id(), MUG, 2, java.util.OptionalLong.empty());
        CheckoutRequest request = Shop.request(ADA, anonymous.id(), "tok_visa");
        OrderService dying = shop.restart((point, id) -> {
            if (point == Point.CONFIRMED) {
                throw new CheckoutFaults.Crash(point);
            }
        });
        assertThatThrownBy(() -> dying.checkout(request)).isInstanceOf(CheckoutFaults.Crash.class);
        // Ada logs in meanwhile: her storefront merges the anonymous cart into the cart she already has.
        shop.product(CUP, "4.50", 5);
        CartId hers = shop.cart(ADA, CUP, 1);
        assertThat(shop.carts.merge(anonymous.id(), ADA).id()).isEqualTo(hers);
        assertThat(shop.carts.find(anonymous.id()).orElseThrow().status()).isEqualTo(Cart.Status.MERGED);

        OrderService restarted = shop.restart(CheckoutFaults.NONE);
        shop.clock.advance(shop.settings.lease().plusSeconds(1));
        restarted.recover();

        CheckoutResponse answer = restarted.checkout(request);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        assertThat(shop.outboxRows(OrderPlaced.TYPE.wire())).isEqualTo(1);
        assertNoOrphans();
    }

    @ParameterizedTest
    @EnumSource(
            value = Point.class,
            names = {"RECORDED", "RESERVED", "AUTHORIZED", "CONFIRMED", "CART_CONVERTED", "PLACED"})
    void a_crash_on_the_way_to_an_order_is_finished_forward_exactly_once(Point at) {
        CheckoutRequest request = crashAt(at, "tok_visa");

        CheckoutResponse answer = shop.orders.checkout(request);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        assertThat(answer.replayed()).isTrue();
        OrderId id = answer.orderId().orElseThrow();
        assertThat(shop.outboxRows(OrderPlaced.TYPE.wire())).isEqualTo(1);
        assertThat(shop.inventory
                        .reservation(ReservationId.of(id.value()))
                        .orElseThrow()
                        .status())
                .isEqualTo(Reservation.Status.CONFIRMED);
        assertThat(shop.inventory.level(MUG).orElseThrow().reserved()).isEqualTo(2);
        assertThat(shop.provider.entries())
                .extracting(ProviderLedger.Entry::kind, ProviderLedger.Entry::payment)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ProviderLedger.Kind.AUTHORIZATION, id.value()));
        assertThat(shop.carts.find(request.cartId()).orElseThrow().status()).isEqualTo(Cart.Status.CONVERTED);
        assertNoOrphans();
    }

    @ParameterizedTest
    @EnumSource(
            value = Point.class,
            names = {"REFUSED", "VOIDED"})
    void a_crash_while_undoing_a_refused_checkout_is_undone_to_the_end(Point at) {
        // The hold runs out while the payment is slow: the checkout is refused after authorizing.
        AtomicReference<Point> crashAt = new AtomicReference<>(at);
        CartId cart = shop.cart(ADA, MUG, 2);
        CheckoutRequest request = Shop.request(ADA, cart, "tok_visa");
        OrderService dying = shop.restart((point, id) -> {
            if (point == Point.AUTHORIZED) {
                shop.clock.advance(Duration.ofMinutes(16));
            }
            if (point == crashAt.get()) {
                throw new CheckoutFaults.Crash(point);
            }
        });
        assertThatThrownBy(() -> dying.checkout(request)).isInstanceOf(CheckoutFaults.Crash.class);
        // Before recovery a retry already gets the refusal: it was stored before the undo began.
        CheckoutResponse early = shop.restart(CheckoutFaults.NONE).checkout(request);
        assertThat(early.status()).isEqualTo(409);
        shop.clock.advance(shop.settings.lease().plusSeconds(1));
        shop.orders.recover();

        assertThat(shop.outboxRows(OrderPlaced.TYPE.wire())).isZero();
        assertThat(shop.outboxRows(CheckoutFailed.TYPE.wire())).isEqualTo(1);
        assertThat(shop.provider.entries())
                .extracting(ProviderLedger.Entry::kind)
                .containsExactly(ProviderLedger.Kind.AUTHORIZATION, ProviderLedger.Kind.VOID);
        shop.inventory.expireDue();
        assertThat(shop.inventory.level(MUG).orElseThrow().reserved()).isZero();
        assertThat(shop.carts.find(cart).orElseThrow().isOpen()).isTrue();
        assertNoOrphans();
    }

    @ParameterizedTest
    @EnumSource(
            value = Point.class,
            names = {"RESERVED", "AUTHORIZED"})
    void a_crash_that_outlives_the_hold_is_undone_and_the_authorization_voided(Point at) {
        CartId cart = shop.cart(ADA, MUG, 2);
        CheckoutRequest request = Shop.request(ADA, cart, "tok_visa");
        OrderService dying = shop.restart((point, id) -> {
            if (point == at) {
                throw new CheckoutFaults.Crash(point);
            }
        });
        assertThatThrownBy(() -> dying.checkout(request)).isInstanceOf(CheckoutFaults.Crash.class);
        // Down for longer than the hold: the sweeper gives the stock back before the process returns.
        shop.clock.advance(Duration.ofMinutes(20));
        shop.inventory.expireDue();
        shop.restart(CheckoutFaults.NONE).recover();

        CheckoutResponse answer = shop.orders.checkout(request);
        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.body()).contains("/reservation-expired");
        assertThat(shop.outboxRows(OrderPlaced.TYPE.wire())).isZero();
        assertThat(shop.inventory.level(MUG).orElseThrow().reserved()).isZero();
        long authorizations = shop.provider.entries().stream()
                .filter(e -> e.kind() == ProviderLedger.Kind.AUTHORIZATION)
                .count();
        long voids = shop.provider.entries().stream()
                .filter(e -> e.kind() == ProviderLedger.Kind.VOID)
                .count();
        assertThat(voids).isEqualTo(authorizations);
        assertNoOrphans();
    }

    /**
     * No orphan either way: a live reservation has an order, an order has a live or committed reservation,
     * and every authorization not voided belongs to an order.
     */
    void assertNoOrphans() {
        assertThat(shop.inventory.reconcile()).isEmpty();
        List<String> orders = shop.ordersStore
                .jdbc()
                .sql("SELECT id FROM orders")
                .query(String.class)
                .list();
        List<String> checkouts = shop.ordersStore
                .jdbc()
                .sql("SELECT id FROM checkouts")
                .query(String.class)
                .list();
        for (String id : checkouts) {
            Optional<Reservation> r = shop.inventory.reservation(ReservationId.of(id));
            boolean live = r.map(x -> x.status().live()).orElse(false);
            assertThat(live)
                    .as("reservation of " + id + " is live exactly when it has an order")
                    .isEqualTo(orders.contains(id));
            List<ProviderLedger.Kind> moves = shop.provider.entries().stream()
                    .filter(e -> e.payment().equals(id))
                    .map(ProviderLedger.Entry::kind)
                    .toList();
            if (orders.contains(id)) {
                assertThat(moves).containsExactly(ProviderLedger.Kind.AUTHORIZATION);
            } else {
                assertThat(moves).isIn(List.of(), List.of(ProviderLedger.Kind.AUTHORIZATION, ProviderLedger.Kind.VOID));
            }
        }
        assertThat(shop.ordersStore
                        .jdbc()
                        .sql("SELECT count(*) FROM checkouts WHERE state IN ('started', 'compensating')")
                        .query(Long.class)
                        .single())
                .as("every checkout decided and done")
                .isZero();
    }
}
