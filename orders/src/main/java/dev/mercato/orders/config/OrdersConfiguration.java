package dev.mercato.orders.config;

import dev.mercato.cart.Carts;
import dev.mercato.catalog.Catalog;
import dev.mercato.customers.Customers;
import dev.mercato.inventory.Inventory;
import dev.mercato.orders.Orders;
import dev.mercato.orders.domain.CheckoutFaults;
import dev.mercato.orders.domain.CheckoutSaga;
import dev.mercato.orders.domain.OrderService;
import dev.mercato.orders.domain.OrdersSettings;
import dev.mercato.orders.history.OrderHistory;
import dev.mercato.orders.history.OrderHistoryView;
import dev.mercato.orders.store.JdbcOrders;
import dev.mercato.payments.Payments;
import dev.mercato.plane.Periodic;
import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.outbox.Outboxes;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires orders onto its own schema, with checkout over the other capabilities' published APIs. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OrdersConfiguration.OrdersProperties.class)
class OrdersConfiguration {

    /** {@code mercato.orders.*}; see {@link OrdersSettings} for what each means. */
    @ConfigurationProperties("mercato.orders")
    record OrdersProperties(
            @DefaultValue("15m") Duration reservationHold,
            @DefaultValue("30s") Duration lease,
            @DefaultValue("10s") Duration duplicateWait,
            @DefaultValue("5s") Duration recoveryInterval,
            @DefaultValue("5s") Duration moveWait) {
        OrdersSettings settings() {
            return new OrdersSettings(reservationHold, lease, duplicateWait, recoveryInterval, moveWait);
        }
    }

    @Bean
    Orders orders(
            PostgresStores stores,
            Outboxes outboxes,
            Carts carts,
            Catalog catalog,
            Inventory inventory,
            Payments payments,
            Customers customers,
            OrdersProperties properties,
            Clock clock,
            ObjectProvider<CheckoutFaults> faults) {
        CapabilityStore store = stores.open("orders");
        Outbox outbox = outboxes.register(store);
        JdbcOrders jdbc = new JdbcOrders(store, outbox, clock);
        OrdersSettings settings = properties.settings();
        CheckoutFaults crashes = faults.getIfAvailable(() -> CheckoutFaults.NONE);
        CheckoutSaga saga =
                new CheckoutSaga(jdbc, carts, catalog, inventory, payments, customers, settings, clock, crashes);
        return new OrderService(jdbc, saga, inventory, payments, settings, clock, crashes);
    }

    /** The customer account view; the composition root starts every view. */
    @Bean
    OrderHistoryView orderHistoryView() {
        return new OrderHistoryView();
    }

    @Bean
    OrderHistory orderHistory(ViewRuntime runtime) {
        return new OrderHistory(runtime);
    }

    /**
     * Finishes checkouts and order moves whose request died with its process: at start-up, then periodically. Several
     * instances may run it; each claims a checkout by extending its lease, so none is run twice at once.
     */
    @Bean(destroyMethod = "close")
    Periodic checkoutRecovery(Orders orders, OrdersProperties properties) {
        return Periodic.start(
                "checkout-recovery",
                Duration.ZERO,
                properties.recoveryInterval(),
                "unfinished checkouts recovered",
                orders::recover);
    }
}
