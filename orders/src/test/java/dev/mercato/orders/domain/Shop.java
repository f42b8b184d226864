package dev.mercato.orders.domain;

import dev.mercato.cart.Cart;
import dev.mercato.cart.CartId;
import dev.mercato.cart.domain.CartService;
import dev.mercato.cart.store.RocksCartStore;
import dev.mercato.cart.store.RocksStore;
import dev.mercato.catalog.ProductDraft;
import dev.mercato.catalog.Sku;
import dev.mercato.catalog.cache.ProductCache;
import dev.mercato.catalog.domain.CatalogService;
import dev.mercato.catalog.store.JdbcProducts;
import dev.mercato.customers.CustomerId;
import dev.mercato.customers.store.JdbcCustomers;
import dev.mercato.inventory.domain.InventoryService;
import dev.mercato.inventory.store.JdbcReservations;
import dev.mercato.inventory.store.JdbcStock;
import dev.mercato.orders.CheckoutRequest;
import dev.mercato.orders.CheckoutResponse;
import dev.mercato.orders.store.JdbcOrders;
import dev.mercato.payments.PaymentMethod;
import dev.mercato.payments.domain.PaymentsService;
import dev.mercato.payments.domain.RetryPolicy;
import dev.mercato.payments.provider.ProviderStore;
import dev.mercato.payments.provider.SimulatedProvider;
import dev.mercato.payments.provider.SimulatedProviderSettings;
import dev.mercato.payments.provider.Sleeper;
import dev.mercato.payments.store.JdbcPaymentIntents;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import dev.mercato.plane.testing.MutableClock;
import dev.mercato.plane.testing.SharedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * A shop for checkout tests: every capability checkout touches on its real store (PostgreSQL schemas on a
 * fresh database, RocksDB for carts), the simulated payment provider, and a clock the test moves. {@link
 * #restart} builds a new checkout over the same stores and provider, as a process coming back would.
 */
final class Shop implements AutoCloseable {

    static final MerchantId ACME = MerchantId.of("acme");
    static final Sku MUG = Sku.of("MUG-1");
    static final Sku CUP = Sku.of("CUP-1");

    final MutableClock clock = MutableClock.startingNow();
    final PostgresStores stores = SharedPostgres.freshStores();
    final RocksStore rocks;
    final CapabilityStore ordersStore;
    final CapabilityStore inventoryStore;
    final CapabilityStore paymentsStore;
    final CatalogService catalog;
    final InventoryService inventory;
    final JdbcReservations reservations;
    /** The orders store code of the saga running now (a restart makes a new one). */
    JdbcOrders ordersStoreCode;

    final CartService carts;
    final JdbcCustomers customers;
    final SimulatedProvider provider;
    final PaymentsService payments;
    OrdersSettings settings = new OrdersSettings(
            Duration.ofMinutes(15),
            Duration.ofSeconds(30),
            Duration.ofSeconds(10),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5));
    /** No admission control unless a test sets one before {@link #restart}. */
    CheckoutAdmission admission = CheckoutAdmission.unlimited();

    OrderService orders;

    Shop(Path folder, SimulatedProviderSettings providerSettings) {
        CapabilityStore catalogStore = open("catalog");
        inventoryStore = open("inventory");
        CapabilityStore customersStore = open("customers");
        paymentsStore = open("payments");
        ordersStore = open("orders");
        JdbcProducts products = new JdbcProducts(catalogStore, new Outbox(catalogStore, clock));
        catalog = new CatalogService(products, new ProductCache(products::find, Duration.ofSeconds(60), 1000));
        Outbox inventoryOutbox = new Outbox(inventoryStore, clock);
        reservations = new JdbcReservations(inventoryStore, inventoryOutbox, clock);
        inventory = new InventoryService(new JdbcStock(inventoryStore, inventoryOutbox), reservations, catalog);
        customers = new JdbcCustomers(customersStore, new Outbox(customersStore, clock), clock);
        rocks = RocksStore.open(folder.resolve("carts"));
        carts = new CartService(new RocksCartStore(rocks), catalog, clock, Duration.ofHours(24));
        // The provider's state in its own schema, so a restart finds what it did, as the platform's would.
        provider = new SimulatedProvider(ProviderStore.onPostgres(stores), providerSettings, clock, Sleeper.REAL);
        payments = new PaymentsService(
                new JdbcPaymentIntents(paymentsStore, new Outbox(paymentsStore, clock)),
                provider,
                RetryPolicy.DEFAULT,
                Sleeper.REAL,
                clock);
        restart(CheckoutFaults.NONE);
    }

    private CapabilityStore open(String schema) {
        CapabilityStore store = stores.open(schema);
        stores.migrate(store, "classpath:db/plane/outbox", "plane_outbox_history");
        return store;
    }

    /** A new checkout saga over the same stores: what a process that starts again runs. */
    OrderService restart(CheckoutFaults faults) {
        return restart(faults, carts);
    }

    /**
     * A new checkout saga over the same stores but {@code cartsHere}: another instance of the platform,
     * whose local cart store does not hold the carts of the first.
     */
    OrderService restart(CheckoutFaults faults, CartService cartsHere) {
        JdbcOrders jdbc = new JdbcOrders(ordersStore, new Outbox(ordersStore, clock), clock);
        ordersStoreCode = jdbc;
        CheckoutSaga saga = new CheckoutSaga(
                jdbc, cartsHere, catalog, inventory, payments, customers, settings, clock, faults, admission);
        orders = new OrderService(jdbc, saga, inventory, payments, settings, clock, faults);
        return orders;
    }

    void product(Sku sku, String price, int onHand) {
        catalog.upsert(List.of(
                new ProductDraft(sku, ACME, "Product " + sku, "", "home/kitchen", Money.of(price, "EUR"), Map.of())));
        inventory.setOnHand(ACME, Map.of(sku, onHand));
    }

    CartId cart(CustomerId owner, Sku sku, int quantity) {
        Cart cart = carts.create(Optional.of(owner));
        carts.setQuantity(cart.id(), sku, quantity, OptionalLong.empty());
        return cart.id();
    }

    static CheckoutRequest request(CustomerId customer, CartId cart, String token) {
        return new CheckoutRequest(
                customer, UUID.randomUUID().toString(), cart, new PaymentMethod(token), Optional.empty());
    }

    CheckoutResponse checkout(CustomerId customer, CartId cart) {
        return orders.checkout(request(customer, cart, "tok_visa"));
    }

    long outboxRows(String type) {
        return ordersStore
                .jdbc()
                .sql("SELECT count(*) FROM outbox WHERE type = ?")
                .param(type)
                .query(Long.class)
                .single();
    }

    @Override
    public void close() {
        rocks.close();
        stores.close();
    }
}
