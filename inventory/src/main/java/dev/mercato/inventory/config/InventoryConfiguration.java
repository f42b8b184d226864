package dev.mercato.inventory.config;

import dev.mercato.catalog.Catalog;
import dev.mercato.inventory.Inventory;
import dev.mercato.inventory.domain.InventoryService;
import dev.mercato.inventory.reorder.ReorderSuggestions;
import dev.mercato.inventory.reorder.ReorderView;
import dev.mercato.inventory.store.JdbcReservations;
import dev.mercato.inventory.store.JdbcStock;
import dev.mercato.plane.Periodic;
import dev.mercato.plane.batch.WriteBatches;
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

/**
 * Wires inventory onto its own schema, declares its reorder view, and runs the sweeper that expires
 * abandoned holds.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(InventoryConfiguration.InventorySettings.class)
class InventoryConfiguration {

    /**
     * @param sweepInterval how often held reservations past their expiry are released
     */
    @ConfigurationProperties("mercato.inventory")
    record InventorySettings(@DefaultValue("5s") Duration sweepInterval) {}

    @Bean
    Inventory inventory(
            PostgresStores stores,
            Outboxes outboxes,
            Catalog catalog,
            Clock clock,
            ObjectProvider<WriteBatches> batches) {
        CapabilityStore store = stores.open("inventory");
        Outbox outbox = outboxes.register(store);
        JdbcReservations reservations = new JdbcReservations(store, outbox, clock);
        batches.ifAvailable(b -> b.register(reservations.combiners()));
        return new InventoryService(new JdbcStock(store, outbox), reservations, catalog);
    }

    /**
     * Gives stock rows held by a merchant that does not own the SKU back to its owner (rows left from before
     * stock followed the catalog's ownership): at start-up, then daily as a safety net (a full scan).
     */
    @Bean(destroyMethod = "close")
    Periodic stockOwnershipRepair(Inventory inventory) {
        return Periodic.start(
                "stock-ownership-repair",
                Duration.ZERO,
                Duration.ofDays(1),
                "stock rows given back to their product's merchant",
                () -> inventory.repairOwnership().size());
    }

    /** Reorder suggestions from stock-low events; the composition root starts every view. */
    @Bean
    ReorderView reorderView() {
        return new ReorderView();
    }

    @Bean
    ReorderSuggestions reorderSuggestions(ViewRuntime runtime) {
        return new ReorderSuggestions(runtime);
    }

    /** Releases held reservations whose hold ran out; safe on several instances (rows are skip-locked). */
    @Bean(destroyMethod = "close")
    Periodic reservationSweeper(Inventory inventory, InventorySettings settings) {
        return Periodic.start(
                "reservation-sweeper",
                settings.sweepInterval(),
                settings.sweepInterval(),
                "reservations released after their hold expired",
                inventory::expireDue);
    }
}
