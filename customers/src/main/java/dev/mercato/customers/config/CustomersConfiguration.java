package dev.mercato.customers.config;

import dev.mercato.customers.Customers;
import dev.mercato.customers.store.JdbcCustomers;
import dev.mercato.plane.outbox.Outboxes;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires customers onto its own schema. */
@Configuration(proxyBeanMethods = false)
class CustomersConfiguration {

    @Bean
    Customers customers(PostgresStores stores, Outboxes outboxes, Clock clock) {
        CapabilityStore store = stores.open("customers");
        return new JdbcCustomers(store, outboxes.register(store), clock);
    }
}
