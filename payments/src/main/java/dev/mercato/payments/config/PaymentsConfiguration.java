package dev.mercato.payments.config;

import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Provisions payments's own schema and role at start, so its boundary holds before its first table exists. */
@Configuration(proxyBeanMethods = false)
class PaymentsConfiguration {

    @Bean
    CapabilityStore paymentsStore(PostgresStores stores) {
        return stores.open("payments");
    }
}
