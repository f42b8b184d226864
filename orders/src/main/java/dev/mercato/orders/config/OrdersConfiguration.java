package dev.mercato.orders.config;

import dev.mercato.cart.Carts;
import dev.mercato.catalog.Catalog;
import dev.mercato.customers.Customers;
import dev.mercato.inventory.Inventory;
import dev.mercato.orders.Orders;
import dev.mercato.orders.domain.CheckoutAdmission;
import dev.mercato.orders.domain.CheckoutFaults;
import dev.mercato.orders.domain.CheckoutSaga;
import dev.mercato.orders.domain.OrderService;
import dev.mercato.orders.domain.OrdersSettings;
import dev.mercato.orders.history.OrderHistory;
import dev.mercato.orders.history.OrderHistoryView;
import dev.mercato.orders.store.JdbcOrders;
import dev.mercato.payments.Payments;
import dev.mercato.plane.Periodic;
import dev.mercato.plane.admission.AdmissionLimiter;
import dev.mercato.plane.batch.WriteBatches;
import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.outbox.Outboxes;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires orders onto its own schema, with checkout over the other capabilities' published APIs. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({
    OrdersConfiguration.OrdersProperties.class,
    OrdersConfiguration.CheckoutAdmissionProperties.class
})
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

    /**
     * {@code mercato.checkout.*}: admission control in front of checkout (docs/operations.md, "Overload").
     *
     * @param maxInFlight checkouts running at once on this instance; beyond it a request waits {@code
     *     admissionWait} for a place and is then refused 503 {@code checkout-overloaded}. Checkouts running
     *     at once write their steps together (a connection per batch, not per checkout), so this can be several
     *     times a pool's size: more makes larger batches and cheaper orders, and each checkout waits longer
     * @param admissionWait how long a request waits for a place: long enough to ride out a burst, short enough
     *     that a refusal is quick and an admitted checkout's latency barely moves
     * @param replayLookups reads at once by which a refused request still gets the stored answer of an
     *     Idempotency-Key already decided (no wait: a request that finds none free is refused)
     * @param maxWaiting requests that may wait for a place at once, {@code maxInFlight} when unset: one that
     *     finds the line full is refused as it arrives, so a flood is shed without each request waiting
     *     {@code admissionWait} first
     */
    @ConfigurationProperties("mercato.checkout")
    record CheckoutAdmissionProperties(
            @DefaultValue("32") int maxInFlight,
            @DefaultValue("10ms") Duration admissionWait,
            @DefaultValue("2") int replayLookups,
            Integer maxWaiting) {}

    /** Checkouts running on this instance: a bean of its own, for the meters and for whoever reads the pressure. */
    @Bean
    AdmissionLimiter checkoutAdmission(CheckoutAdmissionProperties properties) {
        return new AdmissionLimiter(
                "checkout",
                properties.maxInFlight(),
                properties.admissionWait(),
                properties.maxWaiting() == null ? properties.maxInFlight() : properties.maxWaiting());
    }

    /** Replay lookups of requests refused at the door. */
    @Bean
    AdmissionLimiter checkoutReplayAdmission(CheckoutAdmissionProperties properties) {
        return new AdmissionLimiter("checkout-replay", properties.replayLookups(), Duration.ZERO);
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
            ObjectProvider<CheckoutFaults> faults,
            @Qualifier("checkoutAdmission") AdmissionLimiter checkoutAdmission,
            @Qualifier("checkoutReplayAdmission") AdmissionLimiter checkoutReplayAdmission,
            ObjectProvider<WriteBatches> batches) {
        CapabilityStore store = stores.open("orders");
        Outbox outbox = outboxes.register(store);
        JdbcOrders jdbc = new JdbcOrders(store, outbox, clock);
        batches.ifAvailable(b -> b.register(jdbc.combiners()));
        OrdersSettings settings = properties.settings();
        CheckoutFaults crashes = faults.getIfAvailable(() -> CheckoutFaults.NONE);
        CheckoutSaga saga = new CheckoutSaga(
                jdbc,
                carts,
                catalog,
                inventory,
                payments,
                customers,
                settings,
                clock,
                crashes,
                new CheckoutAdmission(checkoutAdmission, checkoutReplayAdmission));
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
