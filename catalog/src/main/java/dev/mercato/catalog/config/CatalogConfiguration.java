package dev.mercato.catalog.config;

import dev.mercato.catalog.Catalog;
import dev.mercato.catalog.domain.CatalogService;
import dev.mercato.catalog.store.JdbcProducts;
import dev.mercato.plane.outbox.Outboxes;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the catalog onto its own schema. */
@Configuration(proxyBeanMethods = false)
class CatalogConfiguration {

    @Bean
    Catalog catalog(PostgresStores stores, Outboxes outboxes) {
        CapabilityStore store = stores.open("catalog");
        return new CatalogService(new JdbcProducts(store, outboxes.register(store)));
    }
}
