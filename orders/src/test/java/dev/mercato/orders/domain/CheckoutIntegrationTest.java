package dev.mercato.orders.domain;

import static dev.mercato.orders.domain.Shop.ACME;
import static dev.mercato.orders.domain.Shop.CUP;
import static dev.mercato.orders.domain.Shop.MUG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.cart.Cart;
import dev.mercato.cart.CartId;
import dev.mercato.catalog.ProductDraft;
import dev.mercato.catalog.Sku;
import dev.mercato.customers.CustomerId;
import dev.mercato.inventory.Reservation;
import dev.mercato.inventory.ReservationId;
import dev.mercato.orders.CheckoutRequest;
import dev.mercato.orders.CheckoutResponse;
import dev.mercato.orders.Order;
import dev.mercato.orders.OrderDocument;
import dev.mercato.orders.OrderId;
import dev.mercato.orders.OrderStatus;
import dev.mercato.orders.events.OrderPlaced;
import dev.mercato.payments.PaymentId;
import dev.mercato.payments.PaymentIntent;
import dev.mercato.payments.ProviderLedger;
import dev.mercato.payments.provider.SimulatedProviderSettings;
import dev.mercato.plane.Conflict;
import dev.mercato.plane.Money;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.batch.Combiner;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.events.Tracing;
import dev.mercato.plane.events.schema.EventSchemas;
import dev.mercato.plane.events.schema.PayloadValidator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class CheckoutIntegrationTest {

    static final CustomerId ADA = CustomerId.of("ada");

    @TempDir
    Path folder;

    Shop shop;

    @BeforeEach
    void open() {
        shop = new Shop(folder, SimulatedProviderSettings.DETERMINISTIC);
        shop.product(MUG, "9.90", 10);
        shop.product(CUP, "4.50", 3);
    }

    @AfterEach
    void close() {
        shop.close();
    }

    static JsonNode json(CheckoutResponse r) {
        return EventJson.tree(r.body());
    }

    @Test
    void a_checkout_reserves_authorizes_places_the_order_with_its_event_and_converts_the_cart() {
        CartId cart = shop.cart(ADA, MUG, 2);
        shop.carts.setQuantity(cart, CUP, 1, java.util.OptionalLong.empty());

        CheckoutResponse response = shop.checkout(ADA, cart);

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        OrderId id = response.orderId().orElseThrow();
        JsonNode body = json(response);
        assertThat(body.get("status").asString()).isEqualTo("placed");
        assertThat(body.get("total").get("amount").asString()).isEqualTo("24.30");
        assertThat(body.get("lines").size()).isEqualTo(2);
        Order order = shop.orders.order(id).orElseThrow();
        assertThat(order.status()).isEqualTo(OrderStatus.PLACED);
        assertThat(shop.inventory
                        .reservation(ReservationId.of(id.value()))
                        .orElseThrow()
                        .status())
                .isEqualTo(Reservation.Status.CONFIRMED);
        assertThat(shop.inventory.level(MUG).orElseThrow().available()).isEqualTo(8);
        assertThat(shop.payments.find(PaymentId.of(id.value())).orElseThrow().status())
                .isEqualTo(PaymentIntent.Status.AUTHORIZED);
        assertThat(shop.carts.find(cart).orElseThrow().status()).isEqualTo(Cart.Status.CONVERTED);
        assertThat(shop.outboxRows(OrderPlaced.TYPE.wire())).isEqualTo(1);
        for (String type : shop.ordersStore
                .jdbc()
                .sql("SELECT type FROM outbox")
                .query(String.class)
                .list()) {
            String payload = shop.ordersStore
                    .jdbc()
                    .sql("SELECT payload FROM outbox WHERE type = ?")
                    .param(type)
                    .query(String.class)
                    .list()
                    .getFirst();
            assertThat(PayloadValidator.violations(EventSchemas.load(EventType.parse(type)), EventJson.tree(payload)))
                    .as(type)
                    .isEmpty();
        }
        // Read back, the order has the shape of the answer checkout gave.
        assertThat(EventJson.write(OrderDocument.of(order))).isEqualTo(response.body());
    }

    @Test
    void a_cart_worth_more_than_an_order_can_hold_is_refused_before_anything_is_held() {
        Sku dear = Sku.of("DEAR-1");
        shop.product(dear, "9999999999.99", 5);
        CartId cart = shop.cart(ADA, dear, 2);

        assertThatThrownBy(() -> shop.checkout(ADA, cart))
                .isInstanceOfSatisfying(
                        dev.mercato.plane.Conflict.class,
                        c -> assertThat(c.type()).isEqualTo("order-too-large"));
        assertThat(shop.inventory.level(dear).orElseThrow().reserved()).isZero();
        assertThat(shop.provider.entries()).isEmpty();
    }

    @Test
    void a_retry_with_the_same_key_returns_the_first_answer_and_places_nothing_more() {
        CheckoutRequest request = Shop.request(ADA, shop.cart(ADA, MUG, 1), "tok_visa");
        CheckoutResponse first = shop.orders.checkout(request);
        CheckoutResponse again = shop.orders.checkout(request);
        assertThat(again.replayed()).isTrue();
        assertThat(again.status()).isEqualTo(first.status());
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(shop.outboxRows(OrderPlaced.TYPE.wire())).isEqualTo(1);
        assertThat(shop.provider.entries())
                .filteredOn(e -> e.kind() == ProviderLedger.Kind.AUTHORIZATION)
                .hasSize(1);
    }

    @Test
    void a_declined_payment_is_answered_409_gives_the_stock_back_and_is_the_answer_to_every_retry() {
        CheckoutRequest request = Shop.request(ADA, shop.cart(ADA, MUG, 3), "tok_declined");
        CheckoutResponse refused = shop.orders.checkout(request);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(json(refused).get("type").asString()).endsWith("/payment-declined");
        assertThat(json(refused).get("reason").asString()).isEqualTo("card-declined");
        assertThat(shop.inventory.level(MUG).orElseThrow().reserved()).isZero();
        assertThat(shop.provider.entries()).isEmpty();
        CheckoutResponse again = shop.orders.checkout(request);
        assertThat(again.body()).isEqualTo(refused.body());
        assertThat(again.status()).isEqualTo(409);
    }

    @Test
    void out_of_stock_names_every_short_sku_and_charges_nothing() {
        CartId cart = shop.cart(ADA, MUG, 11);
        shop.carts.setQuantity(cart, CUP, 4, java.util.OptionalLong.empty());
        CheckoutResponse refused = shop.checkout(ADA, cart);
        assertThat(refused.status()).isEqualTo(409);
        JsonNode body = json(refused);
        assertThat(body.get("type").asString()).isEqualTo("https://mercato.dev/problems/out-of-stock");
        assertThat(body.get("skus").toString()).isEqualTo("[\"CUP-1\",\"MUG-1\"]");
        assertThat(shop.inventory.level(MUG).orElseThrow().reserved()).isZero();
        assertThat(shop.provider.entries()).isEmpty();
        // The cart stays open: the customer can change it and try again with a new key.
        assertThat(shop.carts.find(cart).orElseThrow().isOpen()).isTrue();
    }

    @Test
    void prices_come_from_the_catalog_at_checkout_not_from_the_cart() {
        CartId cart = shop.cart(ADA, MUG, 2);
        shop.catalog.upsert(List.of(
                new ProductDraft(MUG, ACME, "Product MUG-1", "", "home/kitchen", Money.of("12.00", "EUR"), Map.of())));
        CheckoutResponse placed = shop.checkout(ADA, cart);
        assertThat(json(placed).get("total").get("amount").asString()).isEqualTo("24.00");
        assertThat(shop.payments
                        .find(PaymentId.of(placed.orderId().orElseThrow().value()))
                        .orElseThrow()
                        .amount())
                .isEqualTo(Money.of("24.00", "EUR"));
    }

    @Test
    void the_same_key_for_another_cart_is_refused_and_another_customers_cart_is_not_found() {
        CheckoutRequest request = Shop.request(ADA, shop.cart(ADA, MUG, 1), "tok_visa");
        shop.orders.checkout(request);
        CartId other = shop.cart(ADA, CUP, 1);
        assertThatThrownBy(() -> shop.orders.checkout(
                        new CheckoutRequest(ADA, request.idempotencyKey(), other, request.payment(), request.shipTo())))
                .isInstanceOfSatisfying(
                        Conflict.class, e -> assertThat(e.type()).isEqualTo("idempotency-key-reused"));
        CartId bobs = shop.cart(CustomerId.of("bob"), CUP, 1);
        assertThatThrownBy(() -> shop.checkout(ADA, bobs)).isInstanceOf(NotFound.class);
    }

    @Test
    void a_converted_cart_cannot_be_bought_again_with_another_key() {
        CartId cart = shop.cart(ADA, MUG, 1);
        shop.checkout(ADA, cart);
        assertThatThrownBy(() -> shop.checkout(ADA, cart))
                .isInstanceOfSatisfying(
                        Conflict.class, e -> assertThat(e.type()).isEqualTo("cart-converted"));
    }

    @Test
    void concurrent_requests_with_one_key_produce_one_order_and_the_same_answer() throws Exception {
        CheckoutRequest request = Shop.request(ADA, shop.cart(ADA, MUG, 1), "tok_visa");
        ConcurrentLinkedQueue<CheckoutResponse> answers = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                pool.submit(() -> {
                    start.await();
                    answers.add(shop.orders.checkout(request));
                    return null;
                });
            }
            start.countDown();
        }
        assertThat(answers).hasSize(20);
        assertThat(answers.stream().map(CheckoutResponse::body).distinct()).hasSize(1);
        assertThat(answers).allSatisfy(a -> assertThat(a.status()).isEqualTo(201));
        assertThat(shop.outboxRows(OrderPlaced.TYPE.wire())).isEqualTo(1);
        assertThat(shop.inventory.level(MUG).orElseThrow().reserved()).isEqualTo(1);
    }

    @Test
    void two_hundred_concurrent_checkouts_for_the_last_fifty_units_place_exactly_fifty_orders() throws Exception {
        shop.inventory.setOnHand(ACME, Map.of(MUG, 50));
        List<CustomerId> customers = new ArrayList<>();
        List<CartId> carts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            CustomerId c = CustomerId.of("customer-" + i);
            customers.add(c);
            carts.add(shop.cart(c, MUG, 1));
        }
        ConcurrentLinkedQueue<CheckoutResponse> answers = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                int n = i;
                pool.submit(() -> {
                    start.await();
                    answers.add(shop.checkout(customers.get(n), carts.get(n)));
                    return null;
                });
            }
            start.countDown();
        }
        Map<Integer, Long> byStatus =
                answers.stream().collect(Collectors.groupingBy(CheckoutResponse::status, Collectors.counting()));
        assertThat(byStatus).isEqualTo(Map.of(201, 50L, 409, 150L));
        assertThat(answers.stream().filter(a -> a.status() == 409))
                .allSatisfy(a -> assertThat(json(a).get("type").asString()).endsWith("/out-of-stock"));
        assertThat(shop.inventory.level(MUG).orElseThrow().available()).isZero();
        assertThat(shop.inventory.reconcile()).isEmpty();
        assertThat(shop.outboxRows(OrderPlaced.TYPE.wire())).isEqualTo(50);

        // The provider's own ledger: one authorization per order, and none for anything else.
        List<ProviderLedger.Entry> authorizations = shop.provider.entries().stream()
                .filter(e -> e.kind() == ProviderLedger.Kind.AUTHORIZATION)
                .toList();
        assertThat(authorizations).hasSize(50);
        assertThat(new HashSet<>(authorizations.stream()
                        .map(ProviderLedger.Entry::payment)
                        .toList()))
                .hasSize(50)
                .isEqualTo(answers.stream()
                        .filter(CheckoutResponse::placed)
                        .map(a -> a.orderId().orElseThrow().value())
                        .collect(Collectors.toSet()));
    }

    /**
     * Checkouts written together in one batch still each carry their own request's trace: the batch is
     * written on one of their threads, and every event names the request that caused it, not that thread's.
     */
    @Test
    void every_event_of_checkouts_written_together_carries_its_own_requests_trace() throws Exception {
        ThreadLocal<String> trace = ThreadLocal.withInitial(() -> "");
        Tracing.Tracer tracer = new Tracing.Tracer() {
            @Override
            public String current() {
                return trace.get();
            }

            @Override
            public void record(String name, List<Event> events, Instant started, Instant ended) {}
        };
        shop.inventory.setOnHand(ACME, Map.of(MUG, 100));
        int n = 24;
        List<CustomerId> customers = new ArrayList<>();
        List<CartId> carts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            customers.add(CustomerId.of("traced-" + i));
            carts.add(shop.cart(customers.get(i), MUG, 1));
        }
        Map<String, String> traceOfOrder = new java.util.concurrent.ConcurrentHashMap<>();
        Combiner<?, ?> reserving = named(shop.reservations.combiners(), "inventory.reserve");
        Combiner<?, ?> placing = named(shop.ordersStoreCode.combiners(), "orders.place");
        Tracing.use(tracer);
        // Two gates make sure checkouts are written together: a lock on the stock table holds the first
        // reservation inside its transaction until the others queued behind it, and one on the orders table
        // does the same for placing. The connections close (rolling back) before the pool waits for its tasks.
        try (var pool = Executors.newFixedThreadPool(n);
                var stockGate = shop.inventoryStore.dataSource().getConnection();
                var ordersGate = shop.ordersStore.dataSource().getConnection()) {
            stockGate.setAutoCommit(false);
            stockGate.createStatement().execute("LOCK TABLE stock IN EXCLUSIVE MODE");
            ordersGate.setAutoCommit(false);
            ordersGate.createStatement().execute("LOCK TABLE orders IN SHARE MODE");
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                done.add(pool.submit(() -> {
                    String mine = String.format("00-%032x-%016x-01", k + 1, k + 1);
                    trace.set(mine);
                    CheckoutResponse answer = shop.checkout(customers.get(k), carts.get(k));
                    traceOfOrder.put(answer.orderId().orElseThrow().value(), mine);
                    return null;
                }));
            }
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> reserving.queued() == n - 1);
            stockGate.rollback();
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> placing.queued() == n - 1);
            ordersGate.rollback();
            for (var f : done) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            Tracing.remove(tracer);
        }
        assertThat(traceOfOrder).hasSize(n);
        assertThat(reserving.stats()).isEqualTo(new Combiner.Stats(2, n));
        assertThat(placing.stats()).isEqualTo(new Combiner.Stats(2, n));
        Map<String, String> byOrder = new java.util.HashMap<>();
        shop.ordersStore
                .jdbc()
                .sql("SELECT aggregate_id, type, trace_id FROM outbox")
                .query((rs, i) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
                .list()
                .forEach(row -> {
                    assertThat(row[2]).as(row[1] + " of " + row[0]).isEqualTo(traceOfOrder.get(row[0]));
                    byOrder.merge(row[0], row[1], (a, b) -> a + "," + b);
                });
        assertThat(byOrder).hasSize(n);
        shop.paymentsStore
                .jdbc()
                .sql("SELECT aggregate_id, trace_id FROM outbox")
                .query((rs, i) -> new String[] {rs.getString(1), rs.getString(2)})
                .list()
                .forEach(row -> assertThat(row[1]).as("payment " + row[0]).isEqualTo(traceOfOrder.get(row[0])));
        List<String[]> reserved = shop.inventoryStore
                .jdbc()
                .sql("SELECT payload::jsonb ->> 'reservationId', trace_id FROM outbox WHERE type = ?")
                .param(dev.mercato.inventory.events.StockReserved.TYPE.wire())
                .query((rs, i) -> new String[] {rs.getString(1), rs.getString(2)})
                .list();
        assertThat(reserved).hasSize(n);
        reserved.forEach(row -> assertThat(row[1]).as("reservation " + row[0]).isEqualTo(traceOfOrder.get(row[0])));
    }

    private static Combiner<?, ?> named(List<Combiner<?, ?>> combiners, String name) {
        return combiners.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void a_hold_that_expires_while_the_payment_is_slow_voids_the_authorization_and_refuses() {
        CartId cart = shop.cart(ADA, MUG, 1);
        OrderService slow = shop.restart((point, id) -> {
            if (point == CheckoutFaults.Point.AUTHORIZED) {
                shop.clock.advance(Duration.ofMinutes(16));
            }
        });
        CheckoutResponse refused = slow.checkout(Shop.request(ADA, cart, "tok_visa"));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(json(refused).get("type").asString()).endsWith("/reservation-expired");
        assertThat(shop.provider.entries())
                .extracting(ProviderLedger.Entry::kind)
                .containsExactly(ProviderLedger.Kind.AUTHORIZATION, ProviderLedger.Kind.VOID);
        shop.inventory.expireDue();
        assertThat(shop.inventory.level(MUG).orElseThrow().reserved()).isZero();
        assertThat(shop.orders.orders(java.util.Optional.empty(), 10)).isEmpty();
    }

    @Test
    void a_provider_that_fails_now_and_then_never_charges_an_order_twice() throws Exception {
        try (Shop flaky =
                new Shop(folder.resolve("flaky"), SimulatedProviderSettings.DETERMINISTIC.withFailureRate(0.3))) {
            flaky.product(MUG, "9.90", 1000);
            List<CheckoutResponse> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                CustomerId c = CustomerId.of("flaky-" + i);
                answers.add(flaky.checkout(c, flaky.cart(c, MUG, 1)));
            }
            // Undo that met the provider failing again is finished by recovery, as after a crash.
            for (int round = 0; round < 10; round++) {
                flaky.clock.advance(Duration.ofMinutes(1));
                flaky.orders.recover();
            }
            var placed = answers.stream().filter(CheckoutResponse::placed).toList();
            assertThat(placed).isNotEmpty();
            Map<String, Long> authorizationsPerPayment = flaky.provider.entries().stream()
                    .filter(e -> e.kind() == ProviderLedger.Kind.AUTHORIZATION)
                    .collect(Collectors.groupingBy(ProviderLedger.Entry::payment, Collectors.counting()));
            assertThat(authorizationsPerPayment.values()).allMatch(n -> n == 1);
            // Every authorization belongs to a placed order, or was voided by the checkout's undo.
            var voided = flaky.provider.entries().stream()
                    .filter(e -> e.kind() == ProviderLedger.Kind.VOID)
                    .map(ProviderLedger.Entry::payment)
                    .collect(Collectors.toSet());
            var orders =
                    placed.stream().map(a -> a.orderId().orElseThrow().value()).collect(Collectors.toSet());
            assertThat(authorizationsPerPayment.keySet()).allMatch(p -> orders.contains(p) ^ voided.contains(p));
            assertThat(flaky.inventory.reconcile()).isEmpty();
            assertThat(flaky.inventory.level(MUG).orElseThrow().reserved()).isEqualTo(placed.size());
        }
    }
}
