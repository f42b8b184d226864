package dev.mercato.inventory.config;

import dev.mercato.inventory.Inventory;
import dev.mercato.inventory.domain.InventoryService;
import dev.mercato.inventory.store.JdbcStock;
import dev.mercato.plane.outbox.Outboxes;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires inventory onto its own schema. */
@Configuration(proxyBeanMethods = false)
class InventoryConfiguration {

    @Bean
    Inventory inventory(PostgresStores stores, Outboxes outboxes) {
        CapabilityStore store = stores.open("inventory");
        return new InventoryService(new JdbcStock(store, outboxes.register(store)));
    }
}
