package dev.mercato.orders.domain;

import static dev.mercato.orders.domain.Shop.MUG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.customers.CustomerId;
import dev.mercato.orders.CheckoutRequest;
import dev.mercato.orders.CheckoutResponse;
import dev.mercato.payments.provider.SimulatedProviderSettings;
import dev.mercato.plane.Unavailable;
import dev.mercato.plane.admission.AdmissionLimiter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission control in the saga, with room for one checkout: beyond it a request is refused having stored
 * nothing, a key already decided still gets its answer, and the refused key checks out afresh later.
 */
class CheckoutAdmissionIntegrationTest {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final CustomerId ADA = CustomerId.of("ada");
    static final CustomerId BOB = CustomerId.of("bob");

    @TempDir
    Path folder;

    Shop shop;
    Hold hold = new Hold();
    AdmissionLimiter checkouts = new AdmissionLimiter("checkout", 1, Duration.ofMillis(5));
    AdmissionLimiter replays = new AdmissionLimiter("checkout-replay", 1, Duration.ZERO);

    /** Holds the next checkout that gets recorded until released, as a slow one would stay inside. */
    static final class Hold implements CheckoutFaults {
        private volatile boolean armed;
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        void arm() {
            armed = true;
        }

        @Override
        public void at(Point point, dev.mercato.orders.OrderId checkout) {
            if (point == Point.RECORDED && armed) {
                armed = false;
                inside.countDown();
                try {
                    release.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @BeforeEach
    void open() {
        shop = new Shop(folder, SimulatedProviderSettings.DETERMINISTIC);
        shop.product(MUG, "9.90", 10);
        shop.admission = new CheckoutAdmission(checkouts, replays);
        shop.restart(hold);
    }

    @AfterEach
    void close() {
        hold.release.countDown();
        shop.close();
    }

    @Test
    void beyond_capacity_a_new_checkout_is_refused_having_stored_nothing_and_starts_afresh_when_retried()
            throws Exception {
        CheckoutRequest decided = Shop.request(ADA, shop.cart(ADA, MUG, 1), "tok_visa");
        CheckoutResponse placed = shop.orders.checkout(decided);
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);

        hold.arm();
        CheckoutRequest slow = Shop.request(ADA, shop.cart(ADA, MUG, 1), "tok_visa");
        CompletableFuture<CheckoutResponse> first = CompletableFuture.supplyAsync(() -> shop.orders.checkout(slow));
        assertThat(hold.inside.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(checkouts.inFlight()).isEqualTo(1);

        CheckoutRequest refused = Shop.request(BOB, shop.cart(BOB, MUG, 2), "tok_visa");
        assertThatThrownBy(() -> shop.orders.checkout(refused)).isInstanceOfSatisfying(Unavailable.class, e -> {
            assertThat(e.type()).isEqualTo("checkout-overloaded");
            assertThat(e.retryAfter()).isPositive();
        });
        assertThat(checkoutRecords(BOB)).as("a refused request records nothing").isZero();
        assertThat(shop.inventory.level(MUG).orElseThrow().reserved())
                .as("only the placed order holds stock (the one inside is held before it reserves)")
                .isEqualTo(1);

        // A key decided before is a cheap read: answered from the store even while checkout is full.
        CheckoutResponse replayed = shop.orders.checkout(decided);
        assertThat(replayed.replayed()).isTrue();
        assertThat(replayed.body()).isEqualTo(placed.body());

        // With the replay lane taken too, the decided key is refused like the rest, and still nothing is read.
        try (AdmissionLimiter.Slot lane = replays.tryEnter().orElseThrow()) {
            assertThatThrownBy(() -> shop.orders.checkout(decided))
                    .isInstanceOfSatisfying(
                            Unavailable.class, e -> assertThat(e.type()).isEqualTo("checkout-overloaded"));
        }
        assertThat(first).isNotDone();

        hold.release.countDown();
        assertThat(first.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(201);
        assertThat(checkouts.inFlight()).isZero();

        CheckoutResponse retried = shop.orders.checkout(refused);
        assertThat(retried.status()).as(retried.body()).isEqualTo(201);
        assertThat(retried.replayed())
                .as("the refused key was never decided: it checks out now")
                .isFalse();
        assertThat(checkoutRecords(BOB)).isEqualTo(1);
        assertThat(checkouts.refused())
                .as("the new key, and the decided one twice")
                .isEqualTo(3);
        assertThat(checkouts.inFlight()).isZero();
        assertThat(replays.inFlight()).isZero();
    }

    @Test
    void a_checkout_that_fails_inside_gives_its_place_back() {
        var empty = shop.carts.create(java.util.Optional.of(ADA));
        for (int i = 0; i < 5; i++) {
            CheckoutRequest request = Shop.request(ADA, empty.id(), "tok_visa");
            assertThatThrownBy(() -> shop.orders.checkout(request))
                    .isInstanceOfSatisfying(
                            dev.mercato.plane.Conflict.class,
                            e -> assertThat(e.type()).isEqualTo("cart-empty"));
        }
        assertThat(checkouts.inFlight()).isZero();
        assertThat(checkouts.refused()).isZero();
        assertThat(shop.checkout(ADA, shop.cart(ADA, MUG, 1)).status()).isEqualTo(201);
    }

    private long checkoutRecords(CustomerId customer) {
        return shop.ordersStore
                .jdbc()
                .sql("SELECT count(*) FROM checkouts WHERE customer_id = ?")
                .param(customer.value())
                .query(Long.class)
                .single();
    }
}
