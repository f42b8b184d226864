package dev.mercato.catalog.config;

import dev.mercato.catalog.Catalog;
import dev.mercato.catalog.domain.CatalogService;
import dev.mercato.catalog.store.JdbcProducts;
import dev.mercato.plane.postgres.PostgresStores;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the catalog onto its own schema. */
@Configuration(proxyBeanMethods = false)
class CatalogConfiguration {

    @Bean
    Catalog catalog(PostgresStores stores) {
        return new CatalogService(new JdbcProducts(stores.open("catalog")));
    }
}
