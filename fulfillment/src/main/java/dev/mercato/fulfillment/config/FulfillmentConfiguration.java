package dev.mercato.fulfillment.config;

import dev.mercato.plane.outbox.Outboxes;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Provisions fulfillment's own schema, role and outbox at start, so its boundary holds before its first table exists. */
@Configuration(proxyBeanMethods = false)
class FulfillmentConfiguration {

    @Bean
    CapabilityStore fulfillmentStore(PostgresStores stores, Outboxes outboxes) {
        CapabilityStore store = stores.open("fulfillment");
        outboxes.register(store);
        return store;
    }
}
