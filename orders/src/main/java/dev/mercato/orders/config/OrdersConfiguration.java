package dev.mercato.orders.config;

import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Provisions orders's own schema and role at start, so its boundary holds before its first table exists. */
@Configuration(proxyBeanMethods = false)
class OrdersConfiguration {

    @Bean
    CapabilityStore ordersStore(PostgresStores stores) {
        return stores.open("orders");
    }
}
