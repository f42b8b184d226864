package dev.mercato.fulfillment.config;

import dev.mercato.fulfillment.Fulfillment;
import dev.mercato.fulfillment.domain.FulfillmentService;
import dev.mercato.fulfillment.domain.PickListIntake;
import dev.mercato.fulfillment.queue.FulfillmentQueue;
import dev.mercato.fulfillment.queue.FulfillmentQueueView;
import dev.mercato.fulfillment.store.JdbcPickLists;
import dev.mercato.orders.Orders;
import dev.mercato.plane.Periodic;
import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.plane.outbox.Outboxes;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import java.time.Clock;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires fulfillment onto its own schema and outbox: the pick lists with their intake from the orders log,
 * the reports driving orders through its published API, and the merchant fulfillment queue view. The
 * composition root starts every view (intake included) once the log is reachable.
 */
@Configuration(proxyBeanMethods = false)
class FulfillmentConfiguration {

    @Bean
    JdbcPickLists pickLists(PostgresStores stores, Outboxes outboxes, Clock clock) {
        CapabilityStore store = stores.open("fulfillment");
        return new JdbcPickLists(store, outboxes.register(store), clock);
    }

    @Bean
    Fulfillment fulfillment(JdbcPickLists pickLists, Orders orders, Clock clock) {
        return new FulfillmentService(pickLists, orders, clock);
    }

    /** Pick lists from placed orders; runs in fulfillment's own schema and is never rebuilt. */
    @Bean
    PickListIntake pickListIntake(JdbcPickLists pickLists) {
        return new PickListIntake(pickLists);
    }

    @Bean
    FulfillmentQueueView fulfillmentQueueView() {
        return new FulfillmentQueueView();
    }

    @Bean
    FulfillmentQueue fulfillmentQueue(ViewRuntime runtime, Clock clock) {
        return new FulfillmentQueue(runtime, clock);
    }

    /** Settles reports a crash left between orders' decision and the record here. */
    @Bean(destroyMethod = "close")
    Periodic fulfillmentDrive(Fulfillment fulfillment) {
        return Periodic.start(
                "fulfillment-drive",
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                "orders driven to their reported steps",
                fulfillment::driveUnadvanced);
    }
}
