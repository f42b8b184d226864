package dev.mercato.payments.config;

import dev.mercato.plane.outbox.Outboxes;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Provisions payments's own schema, role and outbox at start, so its boundary holds before its first table exists. */
@Configuration(proxyBeanMethods = false)
class PaymentsConfiguration {

    @Bean
    CapabilityStore paymentsStore(PostgresStores stores, Outboxes outboxes) {
        CapabilityStore store = stores.open("payments");
        outboxes.register(store);
        return store;
    }
}
