package dev.mercato.inventory.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.catalog.ProductDraft;
import dev.mercato.catalog.Sku;
import dev.mercato.catalog.cache.ProductCache;
import dev.mercato.catalog.domain.CatalogService;
import dev.mercato.catalog.store.JdbcProducts;
import dev.mercato.inventory.Inventory;
import dev.mercato.inventory.Reservation;
import dev.mercato.inventory.Reservation.Line;
import dev.mercato.inventory.Reservation.Status;
import dev.mercato.inventory.ReservationId;
import dev.mercato.inventory.StockLevel;
import dev.mercato.inventory.events.StockAdjusted;
import dev.mercato.inventory.events.StockCommitted;
import dev.mercato.inventory.events.StockLow;
import dev.mercato.inventory.events.StockReleased;
import dev.mercato.inventory.events.StockReserved;
import dev.mercato.inventory.store.JdbcReservations;
import dev.mercato.inventory.store.JdbcStock;
import dev.mercato.plane.Conflict;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.batch.Combiner;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.events.schema.EventSchemas;
import dev.mercato.plane.events.schema.PayloadValidator;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import dev.mercato.plane.testing.MutableClock;
import dev.mercato.plane.testing.SharedPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.UncategorizedSQLException;

class ReservingStockIntegrationTest {

    static final MerchantId ACME = MerchantId.of("acme");
    static final Sku MUG = Sku.of("MUG-1");
    static final Sku CUP = Sku.of("CUP-1");
    static final Duration HOLD = Duration.ofMinutes(15);

    PostgresStores stores;
    CapabilityStore store;
    MutableClock clock;
    CatalogService catalog;
    InventoryService inventory;
    JdbcReservations reservations;

    @BeforeEach
    void open() {
        stores = SharedPostgres.freshStores();
        store = stores.open("inventory");
        stores.migrate(store, "classpath:db/plane/outbox", "plane_outbox_history");
        CapabilityStore catalogStore = stores.open("catalog");
        stores.migrate(catalogStore, "classpath:db/plane/outbox", "plane_outbox_history");
        clock = MutableClock.startingNow();
        JdbcProducts products = new JdbcProducts(catalogStore, new Outbox(catalogStore, clock));
        catalog = new CatalogService(products, new ProductCache(products::find, Duration.ofSeconds(60), 100));
        product(ACME, MUG, CUP);
        Outbox outbox = new Outbox(store, clock);
        reservations = new JdbcReservations(store, outbox, clock);
        inventory = new InventoryService(new JdbcStock(store, outbox), reservations, catalog);
        inventory.setOnHand(ACME, Map.of(MUG, 10, CUP, 3));
    }

    void product(MerchantId merchant, Sku... skus) {
        for (Sku sku : skus) {
            catalog.upsert(List.of(new ProductDraft(
                    sku, merchant, "Product " + sku, "", "home/kitchen", Money.of("1.00", "EUR"), Map.of())));
        }
    }

    @AfterEach
    void close() {
        stores.close();
    }

    StockLevel level(Sku sku) {
        return inventory.level(sku).orElseThrow();
    }

    static List<Line> lines(Object... skuAndQuantity) {
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < skuAndQuantity.length; i += 2) {
            lines.add(new Line((Sku) skuAndQuantity[i], (Integer) skuAndQuantity[i + 1]));
        }
        return lines;
    }

    Reservation reserve(String id, Object... skuAndQuantity) {
        return inventory.reserve(ReservationId.of(id), ACME, lines(skuAndQuantity), HOLD);
    }

    List<String> types() {
        return store.jdbc()
                .sql("SELECT type FROM outbox ORDER BY position")
                .query(String.class)
                .list();
    }

    @Test
    void two_hundred_concurrent_checkouts_for_the_last_fifty_units_sell_exactly_fifty() throws Exception {
        inventory.setOnHand(ACME, Map.of(MUG, 50));
        AtomicInteger held = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                String id = "checkout-" + i;
                pool.submit(() -> {
                    start.await();
                    try {
                        reserve(id, MUG, 1);
                        held.incrementAndGet();
                    } catch (Conflict e) {
                        assertThat(e.type()).isEqualTo("out-of-stock");
                        refused.incrementAndGet();
                    }
                    return null;
                });
            }
            start.countDown();
        }
        assertThat(held.get()).isEqualTo(50);
        assertThat(refused.get()).isEqualTo(150);
        assertThat(level(MUG).available()).isZero();
        assertThat(level(MUG).reserved()).isEqualTo(50);
        assertThat(inventory.reconcile()).isEmpty();
    }

    /**
     * The model: random interleavings of everything that moves stock (reserving several SKUs at once,
     * confirming, releasing, picking, setting on hand, expiring) from eight threads, so reservations are
     * made and confirmed in batches beside single writes; then every invariant over all state. Stock is
     * what the live reservations say it is; nothing is oversold; and each SKU's events, read in order, are
     * its history one change at a time: versions one apart, each reservation's event showing the reserved
     * count it left, and the last event showing the stock as it is.
     */
    @Test
    void random_interleavings_of_every_stock_move_keep_stock_and_its_events_true() throws Exception {
        Sku[] skus = {MUG, CUP, Sku.of("BOWL-1"), Sku.of("PLATE-1")};
        product(ACME, skus[2], skus[3]);
        inventory.setOnHand(ACME, Map.of(MUG, 12, CUP, 12, skus[2], 12, skus[3], 12));
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        int threads = 8;
        var pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                java.util.Random random = new java.util.Random(7_000 + t);
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int op = 0; op < 60; op++) {
                        try {
                            int pick = random.nextInt(100);
                            if (pick < 55 || ids.isEmpty()) {
                                String id = "t" + thread + "-" + op;
                                List<Line> wanted = new ArrayList<>();
                                for (Sku sku : skus) {
                                    if (random.nextInt(3) == 0) {
                                        wanted.add(new Line(sku, 1 + random.nextInt(3)));
                                    }
                                }
                                if (wanted.isEmpty()) {
                                    wanted.add(new Line(skus[random.nextInt(skus.length)], 1));
                                }
                                inventory.reserve(ReservationId.of(id), ACME, wanted, HOLD);
                                ids.add(id);
                            } else {
                                ReservationId id = ReservationId.of(ids.get(random.nextInt(ids.size())));
                                if (pick < 75) {
                                    inventory.confirm(id);
                                } else if (pick < 88) {
                                    inventory.release(id, "checkout-failed");
                                } else if (pick < 94) {
                                    inventory.commit(id);
                                } else if (pick < 98) {
                                    inventory.setOnHand(
                                            ACME, skus[random.nextInt(skus.length)], 4 + random.nextInt(14));
                                } else {
                                    clock.advance(HOLD.plusMinutes(1));
                                    inventory.expireDue();
                                }
                            }
                        } catch (Conflict | NotFound | dev.mercato.plane.InvalidInput refused) {
                            // A refusal the rules allow: out of stock, an illegal move, on hand below reserved.
                        } catch (Throwable e) {
                            unexpected.add(e);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var f : done) {
                f.get(2, java.util.concurrent.TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(unexpected).isEmpty();

        assertThat(inventory.reconcile()).isEmpty();
        for (Sku sku : skus) {
            StockLevel level = level(sku);
            assertThat(level.reserved()).isBetween(0, level.onHand());
            List<Map<String, Object>> events = store.jdbc()
                    .sql("SELECT type, payload FROM outbox WHERE aggregate_id = ? AND type <> ? ORDER BY sequence")
                    .params(sku.value(), StockLow.TYPE.wire())
                    .query((rs, i) ->
                            Map.<String, Object>of("type", rs.getString(1), "payload", EventJson.tree(rs.getString(2))))
                    .list();
            long version = -1;
            int reserved = 0;
            for (Map<String, Object> event : events) {
                var payload = (tools.jackson.databind.JsonNode) event.get("payload");
                if (version >= 0) {
                    assertThat(payload.get("version").asLong())
                            .as(sku + " " + event)
                            .isEqualTo(version + 1);
                }
                if (event.get("type").equals(StockReserved.TYPE.wire())) {
                    assertThat(payload.get("reserved").asInt())
                            .as(sku + " " + event)
                            .isEqualTo(reserved + payload.get("quantity").asInt());
                }
                version = payload.get("version").asLong();
                reserved = payload.get("reserved").asInt();
                assertThat(payload.get("available").asInt())
                        .isEqualTo(payload.get("onHand").asInt() - reserved)
                        .isGreaterThanOrEqualTo(0);
            }
            var last = (tools.jackson.databind.JsonNode) events.getLast().get("payload");
            assertThat(last.get("version").asLong()).isEqualTo(level.version());
            assertThat(last.get("reserved").asInt()).isEqualTo(level.reserved());
            assertThat(last.get("onHand").asInt()).isEqualTo(level.onHand());
        }
    }

    /**
     * Reservations that queue behind one held up inside its transaction (here by a lock on the stock table)
     * are made together in the next batch, decided in the order they were taken as if made one by one: the
     * units go to the first who fit, the rest are refused, and each event shows the stock its own
     * reservation left.
     */
    @Test
    void reservations_queued_behind_a_slow_one_are_made_together_each_decided_as_if_alone() throws Exception {
        inventory.setOnHand(ACME, Map.of(MUG, 9));
        Combiner<?, ?> reserving = reservations.combiners().stream()
                .filter(c -> c.name().equals("inventory.reserve"))
                .findFirst()
                .orElseThrow();
        List<java.util.concurrent.Future<Object>> answers = new ArrayList<>();
        // The connection closes (rolling back) before the pool waits for its tasks, even when an assertion fails.
        try (var pool = Executors.newFixedThreadPool(10);
                var blocker = store.dataSource().getConnection()) {
            blocker.setAutoCommit(false);
            blocker.createStatement().execute("LOCK TABLE stock IN EXCLUSIVE MODE");
            for (int i = 0; i < 10; i++) {
                String id = "queued-" + i;
                answers.add(pool.submit(() -> {
                    try {
                        return reserve(id, MUG, 2);
                    } catch (Conflict e) {
                        return e;
                    }
                }));
                if (i == 0) {
                    // The first is inside its batch, waiting for the table; the rest queue behind it.
                    org.awaitility.Awaitility.await()
                            .atMost(java.time.Duration.ofSeconds(20))
                            .until(() -> store.jdbc()
                                            .sql(
                                                    "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'stock'::regclass")
                                            .query(Long.class)
                                            .single()
                                    > 0);
                }
            }
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> reserving.queued() == 9);
            blocker.rollback();
        }
        List<Object> outcomes = new ArrayList<>();
        for (var a : answers) {
            outcomes.add(a.get(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        // 9 units, 2 each: four fit, in the order taken; the batch of nine held three of them.
        assertThat(outcomes.stream().filter(o -> o instanceof Reservation)).hasSize(4);
        assertThat(outcomes.stream()
                        .filter(o -> o instanceof Conflict c && c.type().equals("out-of-stock")))
                .hasSize(6);
        assertThat(reserving.stats().batches()).isEqualTo(2);
        assertThat(level(MUG).reserved()).isEqualTo(8);
        assertThat(inventory.reconcile()).isEmpty();
        List<StockReserved> events = payloads(StockReserved.TYPE, StockReserved.class);
        assertThat(events).extracting(StockReserved::reserved).containsExactly(2, 4, 6, 8);
        assertThat(events).extracting(StockReserved::available).containsExactly(7, 5, 3, 1);
        assertThat(events.getLast().version()).isEqualTo(level(MUG).version());
    }

    @Test
    void reserving_an_id_again_returns_the_first_reservation_and_holds_nothing_more() {
        Reservation first = reserve("order-1", MUG, 2);
        Reservation again = reserve("order-1", MUG, 5);
        assertThat(again.lines()).isEqualTo(first.lines());
        assertThat(level(MUG).reserved()).isEqualTo(2);
    }

    @Test
    void concurrent_duplicates_of_one_reservation_hold_its_units_once() throws Exception {
        ConcurrentLinkedQueue<Reservation> answers = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                pool.submit(() -> {
                    start.await();
                    answers.add(reserve("order-dup", MUG, 3));
                    return null;
                });
            }
            start.countDown();
        }
        assertThat(answers).hasSize(20).allSatisfy(r -> assertThat(r.lines()).containsExactly(new Line(MUG, 3)));
        assertThat(level(MUG).reserved()).isEqualTo(3);
    }

    @Test
    void a_shortage_names_every_short_sku_and_holds_nothing() {
        assertThatThrownBy(() -> reserve("order-2", MUG, 11, CUP, 4, Sku.of("NONE-1"), 1))
                .isInstanceOfSatisfying(Conflict.class, e -> {
                    assertThat(e.type()).isEqualTo("out-of-stock");
                    assertThat(e.properties().get("skus")).isEqualTo(List.of("CUP-1", "MUG-1", "NONE-1"));
                });
        assertThat(level(MUG).reserved()).isZero();
        assertThat(level(CUP).reserved()).isZero();
        assertThat(inventory.reservation(ReservationId.of("order-2"))).isEmpty();
    }

    @Test
    void another_merchants_stock_cannot_be_reserved() {
        assertThatThrownBy(() ->
                        inventory.reserve(ReservationId.of("order-x"), MerchantId.of("globex"), lines(MUG, 1), HOLD))
                .isInstanceOf(Conflict.class);
        assertThat(level(MUG).reserved()).isZero();
    }

    @Test
    void a_hold_that_expires_gives_its_units_back_and_can_no_longer_be_confirmed() {
        reserve("order-3", MUG, 4);
        clock.advance(HOLD.minusSeconds(1));
        assertThat(inventory.expireDue()).isZero();
        clock.advance(Duration.ofSeconds(2));
        // Past the expiry the hold is lost even before the sweeper ran: confirming is refused.
        assertThatThrownBy(() -> inventory.confirm(ReservationId.of("order-3")))
                .isInstanceOfSatisfying(
                        Conflict.class, e -> assertThat(e.type()).isEqualTo("reservation-lost"));
        assertThat(inventory.expireDue()).isEqualTo(1);
        assertThat(level(MUG).reserved()).isZero();
        assertThat(inventory
                        .reservation(ReservationId.of("order-3"))
                        .orElseThrow()
                        .status())
                .isEqualTo(Status.EXPIRED);
        assertThat(types()).contains(StockReleased.TYPE.wire());
    }

    @Test
    void a_confirmed_reservation_never_expires_and_picking_it_lowers_on_hand() {
        reserve("order-4", MUG, 4, CUP, 1);
        inventory.confirm(ReservationId.of("order-4"));
        clock.advance(Duration.ofDays(3));
        assertThat(inventory.expireDue()).isZero();
        assertThat(level(MUG).reserved()).isEqualTo(4);

        inventory.commit(ReservationId.of("order-4"));
        inventory.commit(ReservationId.of("order-4"));
        assertThat(level(MUG))
                .extracting(StockLevel::onHand, StockLevel::reserved)
                .containsExactly(6, 0);
        assertThat(level(CUP))
                .extracting(StockLevel::onHand, StockLevel::reserved)
                .containsExactly(2, 0);
        assertThatThrownBy(() -> inventory.release(ReservationId.of("order-4"), "order-cancelled"))
                .isInstanceOfSatisfying(
                        Conflict.class, e -> assertThat(e.type()).isEqualTo("reservation-committed"));

        inventory.restock(ReservationId.of("order-4"));
        inventory.restock(ReservationId.of("order-4"));
        assertThat(level(MUG).onHand()).isEqualTo(10);
        assertThat(inventory.reconcile()).isEmpty();
    }

    @Test
    void releasing_is_idempotent_and_an_unknown_reservation_releases_nothing() {
        reserve("order-5", MUG, 2);
        assertThat(inventory.release(ReservationId.of("order-5"), "checkout-failed"))
                .map(Reservation::status)
                .hasValue(Status.RELEASED);
        assertThat(inventory.release(ReservationId.of("order-5"), "checkout-failed"))
                .map(Reservation::status)
                .hasValue(Status.RELEASED);
        assertThat(inventory.release(ReservationId.of("never"), "checkout-failed"))
                .isEqualTo(Optional.empty());
        assertThat(level(MUG).reserved()).isZero();
        assertThat(types().stream().filter(StockReleased.TYPE.wire()::equals)).hasSize(1);
    }

    @Test
    void on_hand_cannot_drop_below_what_is_reserved() {
        reserve("order-6", MUG, 8);
        assertThatThrownBy(() -> inventory.setOnHand(ACME, MUG, 7)).isInstanceOf(dev.mercato.plane.InvalidInput.class);
        assertThat(level(MUG).onHand()).isEqualTo(10);
    }

    @Test
    void the_database_refuses_moving_reserved_outside_a_reservation() {
        reserve("order-7", MUG, 2);
        assertThatThrownBy(() -> store.jdbc()
                        .sql("UPDATE stock SET reserved = 0 WHERE sku = 'MUG-1'")
                        .update())
                .isInstanceOf(UncategorizedSQLException.class)
                .hasMessageContaining("changes only with its reservations");
        assertThatThrownBy(() -> store.jdbc()
                        .sql("DELETE FROM reservations WHERE id = 'order-7'")
                        .update())
                .hasMessageContaining("reservations are kept");
        assertThat(inventory.reconcile()).isEmpty();
    }

    @Test
    void falling_below_the_threshold_publishes_stock_low_once() {
        inventory.setOnHand(ACME, MUG, 10, Optional.of(5));
        reserve("order-8", MUG, 4); // available 6: not low
        reserve("order-9", MUG, 2); // available 4: crossed
        reserve("order-10", MUG, 1); // still low: no second event
        List<StockLow> lows = payloads(StockLow.TYPE, StockLow.class).stream()
                .filter(low -> low.sku().equals("MUG-1"))
                .toList();
        assertThat(lows).singleElement().satisfies(low -> {
            assertThat(low.available()).isEqualTo(4);
            assertThat(low.threshold()).isEqualTo(5);
        });
    }

    @Test
    void every_stock_event_matches_its_published_schema() {
        reserve("order-11", MUG, 1, CUP, 1);
        inventory.confirm(ReservationId.of("order-11"));
        inventory.commit(ReservationId.of("order-11"));
        inventory.restock(ReservationId.of("order-11"));
        reserve("order-12", CUP, 3);
        inventory.release(ReservationId.of("order-12"), "checkout-failed");
        List<Map<String, String>> rows = store.jdbc()
                .sql("SELECT type, payload FROM outbox ORDER BY position")
                .query((rs, i) -> Map.of("type", rs.getString(1), "payload", rs.getString(2)))
                .list();
        assertThat(rows)
                .extracting(r -> r.get("type"))
                .contains(
                        StockAdjusted.TYPE.wire(),
                        StockReserved.TYPE.wire(),
                        StockCommitted.TYPE.wire(),
                        StockReleased.TYPE.wire(),
                        StockLow.TYPE.wire());
        for (Map<String, String> row : rows) {
            assertThat(PayloadValidator.violations(
                            EventSchemas.load(EventType.parse(row.get("type"))), EventJson.tree(row.get("payload"))))
                    .as(row.get("type"))
                    .isEmpty();
        }
    }

    <T> List<T> payloads(EventType type, Class<T> as) {
        return store
                .jdbc()
                .sql("SELECT payload FROM outbox WHERE type = ? ORDER BY position")
                .param(type.wire())
                .query(String.class)
                .list()
                .stream()
                .map(json -> EventJson.read(json, as))
                .toList();
    }

    @Test
    void a_merchant_cannot_set_stock_for_another_merchants_product_or_a_sku_no_catalog_has() {
        MerchantId globex = MerchantId.of("globex");
        Sku theirs = Sku.of("GLOBEX-1");
        product(globex, theirs);

        assertThatThrownBy(() -> inventory.setOnHand(ACME, theirs, 5)).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> inventory.setOnHand(ACME, Map.of(MUG, 5, theirs, 5)))
                .isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> inventory.setOnHand(ACME, Sku.of("NO-SUCH-1"), 5))
                .isInstanceOf(NotFound.class);

        assertThat(inventory.level(theirs)).isEmpty();
        assertThat(level(MUG).onHand()).isEqualTo(10);
        assertThat(inventory.setOnHand(globex, theirs, 4).level().merchant()).isEqualTo(globex);
        assertThat(inventory.owner(theirs)).contains(globex);
    }

    @Test
    void rows_taken_before_the_rule_go_back_to_the_products_merchant_and_rows_of_no_product_go() {
        MerchantId globex = MerchantId.of("globex");
        Sku squatted = Sku.of("GLOBEX-2");
        Sku orphan = Sku.of("NOBODY-1");
        product(globex, squatted);
        // As the route allowed before: ACME took GLOBEX-2's row, and one for a SKU nobody sells.
        JdbcStock raw = new JdbcStock(store, new Outbox(store, clock));
        raw.setOnHand(ACME, Map.of(squatted, 40, orphan, 9), Map.of());
        assertThat(inventory.misowned()).extracting(Inventory.Misowned::sku).containsExactly(squatted, orphan);

        List<Inventory.Misowned> repaired = inventory.repairOwnership();

        assertThat(repaired)
                .extracting(Inventory.Misowned::sku, Inventory.Misowned::action)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(squatted, "given-to-owner"),
                        org.assertj.core.groups.Tuple.tuple(orphan, "removed"));
        assertThat(level(squatted).merchant()).isEqualTo(globex);
        assertThat(level(squatted).onHand()).isZero();
        assertThat(inventory.level(orphan)).isEmpty();
        assertThat(inventory.misowned()).isEmpty();
        assertThat(inventory.setOnHand(globex, squatted, 12).level().available())
                .isEqualTo(12);
        assertThat(inventory.repairOwnership()).isEmpty();
    }
}
