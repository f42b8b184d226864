package dev.mercato.accounting.config;

import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Provisions accounting's own schema and role at start, so its boundary holds before its first table exists. */
@Configuration(proxyBeanMethods = false)
class AccountingConfiguration {

    @Bean
    CapabilityStore accountingStore(PostgresStores stores) {
        return stores.open("accounting");
    }
}
