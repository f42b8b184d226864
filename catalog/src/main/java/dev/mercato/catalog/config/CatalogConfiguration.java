package dev.mercato.catalog.config;

import dev.mercato.catalog.Catalog;
import dev.mercato.catalog.cache.CatalogInvalidations;
import dev.mercato.catalog.cache.ProductCache;
import dev.mercato.catalog.domain.CatalogService;
import dev.mercato.catalog.store.JdbcProducts;
import dev.mercato.plane.consume.LogSource;
import dev.mercato.plane.outbox.Outboxes;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the catalog onto its own schema, with its hot reads through the product cache. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CatalogConfiguration.CatalogSettings.class)
class CatalogConfiguration {

    /**
     * @param cacheTtl the longest a cached product is served without a reload, events or not
     * @param cacheSize the most products kept
     */
    @ConfigurationProperties("mercato.catalog")
    record CatalogSettings(
            @DefaultValue("60s") Duration cacheTtl,
            @DefaultValue("100000") long cacheSize) {}

    @Bean
    JdbcProducts jdbcProducts(PostgresStores stores, Outboxes outboxes) {
        CapabilityStore store = stores.open("catalog");
        return new JdbcProducts(store, outboxes.register(store));
    }

    @Bean
    ProductCache productCache(JdbcProducts products, CatalogSettings settings) {
        return new ProductCache(products::find, settings.cacheTtl(), settings.cacheSize());
    }

    @Bean
    Catalog catalog(JdbcProducts products, ProductCache cache) {
        return new CatalogService(products, cache);
    }

    @Bean(destroyMethod = "close")
    CatalogInvalidations catalogInvalidations(ProductCache cache, LogSource log) {
        return CatalogInvalidations.start(cache, log);
    }

    /** {@code mercato.cache.hit.ratio} and counts, tagged {@code cache=products}. */
    @Bean
    MeterBinder productCacheMetrics(ProductCache cache) {
        return registry -> {
            Gauge.builder("mercato.cache.hit.ratio", cache, c -> c.stats().hitRatio())
                    .tag("cache", "products")
                    .description("Share of product reads served from the cache since start")
                    .register(registry);
            FunctionCounter.builder("mercato.cache.hits", cache, c -> c.stats().hits())
                    .tag("cache", "products")
                    .register(registry);
            FunctionCounter.builder(
                            "mercato.cache.misses", cache, c -> c.stats().misses())
                    .tag("cache", "products")
                    .register(registry);
            FunctionCounter.builder(
                            "mercato.cache.stale.refused", cache, c -> c.stats().staleRefused())
                    .tag("cache", "products")
                    .register(registry);
        };
    }
}
