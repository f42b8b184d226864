package dev.mercato.orders.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.catalog.ProductDraft;
import dev.mercato.catalog.Sku;
import dev.mercato.customers.CustomerId;
import dev.mercato.inventory.Reservation;
import dev.mercato.inventory.ReservationId;
import dev.mercato.inventory.StockLevel;
import dev.mercato.orders.CheckoutResponse;
import dev.mercato.orders.FulfillmentStep;
import dev.mercato.orders.Order;
import dev.mercato.orders.OrderAudit;
import dev.mercato.orders.OrderId;
import dev.mercato.orders.OrderStatus;
import dev.mercato.orders.domain.CheckoutFaults.Point;
import dev.mercato.payments.PaymentId;
import dev.mercato.payments.provider.SimulatedProviderSettings;
import dev.mercato.plane.Conflict;
import dev.mercato.plane.Money;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.Unavailable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model of every move that touches an order, run as random interleavings: in each round a few clients
 * (customers cancelling, merchants reporting steps, an admin refunding), on two instances of orders over
 * the same stores, hit one order at the same moment; in the second variant, requests also die at random
 * points of a move, as a crashing process would, and recovery finishes what they left. Afterwards every
 * order is judged by {@link OrderAudit} against payments, the provider's ledger and inventory, stock is
 * reconciled against every reservation, and every answer a client got is checked against where its order
 * ended up: a request answered 2xx happened, a refused one changed nothing.
 *
 * <p>Seeded: the seed is in every failure message, and {@code -Dmodel.seed=} replays its choices (the
 * threads' interleaving is the machine's).
 */
class OrderMovesModelIntegrationTest {

    static final long SEED = Long.getLong("model.seed", 20261204L);
    static final int ORDERS = 30;
    static final int ROUNDS = 200;
    static final List<Sku> SKUS = List.of(Sku.of("MODEL-A"), Sku.of("MODEL-B"), Sku.of("MODEL-C"));
    static final int ON_HAND = 1_000;

    @TempDir
    Path folder;

    Shop shop;
    ExecutorService clients = Executors.newFixedThreadPool(3);

    enum Op {
        PICK,
        PACK,
        SHIP,
        DELIVER,
        CANCEL,
        REFUND
    }

    /** What one client asked and was told: the order's status in a 2xx, the problem type otherwise. */
    record Answer(OrderId order, Op op, Optional<OrderStatus> status, String refusal) {}

    @AfterEach
    void close() {
        clients.shutdownNow();
        if (shop != null) {
            shop.close();
        }
    }

    @Test
    void random_interleavings_of_every_move_from_several_clients_leave_every_order_consistent() throws Exception {
        Model model = new Model(SEED, 0);
        model.run();
        model.assertConsistent();
        assertThat(model.answered(Op.CANCEL))
                .as("cancels that won (seed %s)", SEED)
                .isPositive();
        assertThat(model.answered(Op.SHIP))
                .as("shipments that won (seed %s)", SEED)
                .isPositive();
    }

    @Test
    void the_same_with_requests_dying_between_the_steps_of_a_move_and_recovery_finishing_them() throws Exception {
        Model model = new Model(SEED + 1, 0.12);
        model.run();
        model.assertConsistent();
        assertThat(model.crashes.get())
                .as("simulated crashes (seed %s)", SEED + 1)
                .isGreaterThan(10);
    }

    /** Dies at a point of a move with the given probability; checkout itself is left alone. */
    static final class Dice implements CheckoutFaults {
        final Random random;
        final double rate;
        final AtomicInteger crashes;

        Dice(long seed, double rate, AtomicInteger crashes) {
            this.random = new Random(seed);
            this.rate = rate;
            this.crashes = crashes;
        }

        @Override
        public void at(Point point, OrderId checkout) {
            boolean move =
                    point == Point.MOVE_DECIDED || point == Point.MOVE_EFFECT_DONE || point == Point.MOVE_FINISHED;
            boolean die;
            synchronized (random) {
                die = move && random.nextDouble() < rate;
            }
            if (die) {
                crashes.incrementAndGet();
                throw new Crash(point);
            }
        }
    }

    final class Model {
        final long seed;
        final Random random;
        final AtomicInteger crashes = new AtomicInteger();
        final List<OrderService> instances = new ArrayList<>();
        final List<OrderId> placed = new ArrayList<>();
        final List<Answer> answers = new ArrayList<>();

        Model(long seed, double crashRate) {
            this.seed = seed;
            this.random = new Random(seed);
            shop = new Shop(
                    folder,
                    SimulatedProviderSettings.DETERMINISTIC
                            .withLatency(Duration.ZERO, Duration.ofMillis(2))
                            .withFailureRate(0.05));
            // Short waits: a request that finds a dead request's move gives up quickly instead of for seconds.
            shop.settings = new OrdersSettings(
                    Duration.ofMinutes(15),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(5),
                    Duration.ofMillis(300));
            for (Sku sku : SKUS) {
                shop.catalog.upsert(List.of(new ProductDraft(
                        sku, Shop.ACME, "Model " + sku, "", "home/model", Money.of("7.50", "EUR"), Map.of())));
            }
            shop.inventory.setOnHand(
                    Shop.ACME, Map.of(SKUS.get(0), ON_HAND, SKUS.get(1), ON_HAND, SKUS.get(2), ON_HAND));
            Dice dice = new Dice(seed, crashRate, crashes);
            instances.add(shop.restart(dice));
            instances.add(shop.restart(dice));
        }

        void run() throws Exception {
            for (int i = 0; i < ORDERS; i++) {
                CustomerId customer = CustomerId.of("model-" + (i % 7));
                var cart = shop.carts.create(Optional.of(customer));
                int lines = 1 + random.nextInt(2);
                for (int l = 0; l < lines; l++) {
                    shop.carts.setQuantity(
                            cart.id(), SKUS.get((i + l) % SKUS.size()), 1 + random.nextInt(3), OptionalLong.empty());
                }
                CheckoutResponse response =
                        instances.getFirst().checkout(Shop.request(customer, cart.id(), "tok_visa"));
                assertThat(response.status())
                        .as("checkout %s (seed %s): %s", i, seed, response.body())
                        .isEqualTo(201);
                placed.add(response.orderId().orElseThrow());
            }
            for (int round = 0; round < ROUNDS; round++) {
                if (random.nextInt(4) == 0) {
                    // Time passes: leases of moves whose request died run out, so the next request takes them over.
                    shop.clock.advance(shop.settings.lease().plusSeconds(1));
                }
                OrderId order = placed.get(random.nextInt(placed.size()));
                int clientsNow = 2 + random.nextInt(2);
                CyclicBarrier together = new CyclicBarrier(clientsNow);
                List<Future<Answer>> running = new ArrayList<>();
                OrderStatus now = shop.orders.order(order).orElseThrow().status();
                for (int c = 0; c < clientsNow; c++) {
                    // Mostly what a real client would ask next, so orders travel the whole way; the rest anything.
                    Op op = random.nextInt(10) < 6 ? next(now) : Op.values()[random.nextInt(Op.values().length)];
                    OrderService instance = instances.get(random.nextInt(instances.size()));
                    running.add(clients.submit(() -> {
                        together.await(10, TimeUnit.SECONDS);
                        return ask(instance, order, op);
                    }));
                }
                for (Future<Answer> f : running) {
                    Answer answer = f.get(60, TimeUnit.SECONDS);
                    if (answer != null) {
                        answers.add(answer);
                    }
                }
            }
            // Recovery finishes every move a dead request left, once its lease ran out.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!instances.getFirst().movesInFlight(100).isEmpty()) {
                assertThat(System.nanoTime())
                        .as("moves left in flight (seed %s)", seed)
                        .isLessThan(deadline);
                shop.clock.advance(shop.settings.lease().plusSeconds(1));
                shop.restart(CheckoutFaults.NONE).recover();
            }
        }

        /** One client's request; null when the request died (a simulated crash answers nobody). */
        Answer ask(OrderService orders, OrderId order, Op op) {
            try {
                var update = switch (op) {
                    case PICK -> orders.advance(order, FulfillmentStep.PICKED, "merchant:model");
                    case PACK -> orders.advance(order, FulfillmentStep.PACKED, "merchant:model");
                    case SHIP -> orders.advance(order, FulfillmentStep.SHIPPED, "merchant:model");
                    case DELIVER -> orders.advance(order, FulfillmentStep.DELIVERED, "merchant:model");
                    case CANCEL -> orders.cancel(order, "customer:model", false);
                    case REFUND -> orders.cancel(order, "admin:model", true);
                };
                return new Answer(order, op, Optional.of(update.order().status()), "");
            } catch (Conflict e) {
                return new Answer(order, op, Optional.empty(), e.type());
            } catch (Unavailable e) {
                return new Answer(order, op, Optional.empty(), e.type());
            } catch (CheckoutFaults.Crash e) {
                return null;
            } catch (NotFound e) {
                throw new AssertionError("order " + order + " not found (seed " + seed + ")", e);
            }
        }

        long answered(Op op) {
            return answers.stream()
                    .filter(a -> a.op() == op && a.status().isPresent())
                    .count();
        }

        void assertConsistent() {
            List<OrderAudit.Finding> findings = new ArrayList<>();
            Map<Sku, Integer> picked = new HashMap<>();
            for (OrderId id : placed) {
                Order order = shop.orders.order(id).orElseThrow();
                Optional<Reservation> reservation = shop.inventory.reservation(ReservationId.of(id.value()));
                findings.addAll(OrderAudit.check(
                        new OrderAudit.Facts(
                                order,
                                shop.orders.moveInFlight(id),
                                shop.payments.find(PaymentId.of(id.value())),
                                shop.provider.entries(PaymentId.of(id.value())),
                                reservation,
                                Optional.empty(),
                                List.of(),
                                EnumSet.of(
                                        OrderAudit.Witness.PAYMENT,
                                        OrderAudit.Witness.LEDGER,
                                        OrderAudit.Witness.STOCK)),
                        shop.clock.instant()));
                if (reservation
                        .map(r -> r.status() == Reservation.Status.COMMITTED)
                        .orElse(false)) {
                    reservation.get().lines().forEach(l -> picked.merge(l.sku(), l.quantity(), Integer::sum));
                }
            }
            assertThat(findings).as("findings (seed %s)", seed).isEmpty();
            assertThat(shop.inventory.reconcile())
                    .as("stock drift (seed %s)", seed)
                    .isEmpty();
            for (Sku sku : SKUS) {
                StockLevel level = shop.inventory.level(sku).orElseThrow();
                assertThat(level.onHand())
                        .as(
                                "on-hand of %s: what was stocked less what left picked and not returned (seed %s)",
                                sku, seed)
                        .isEqualTo(ON_HAND - picked.getOrDefault(sku, 0));
            }
            for (Answer a : answers) {
                OrderStatus now = shop.orders.order(a.order()).orElseThrow().status();
                if (a.status().isPresent()) {
                    assertThat(a.status().get().canReach(now))
                            .as(
                                    "%s answered %s, and the order ended %s (seed %s)",
                                    a.op(), a.status().get(), now, seed)
                            .isTrue();
                }
            }
        }
    }

    /** What a merchant (or, once delivered, an admin) would ask next of an order at {@code status}. */
    static Op next(OrderStatus status) {
        return switch (status) {
            case PLACED -> Op.PICK;
            case PICKING -> Op.PACK;
            case PACKED -> Op.SHIP;
            case SHIPPED -> Op.DELIVER;
            case DELIVERED, CANCELLED, REFUNDED -> Op.REFUND;
        };
    }
}
