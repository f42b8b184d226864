package dev.mercato.app.stores;

import dev.mercato.plane.StoreProbe;
import java.util.List;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.context.annotation.Configuration;

/**
 * One health component per store, named by its probe ({@code postgres}, {@code kafka}, and {@code rocksdb}
 * or {@code dynamodb} for carts), so an operator sees which one is down.
 */
@Configuration(proxyBeanMethods = false)
class StoreHealth {

    StoreHealth(HealthContributorRegistry registry, List<StoreProbe> probes) {
        for (StoreProbe probe : probes) {
            registry.registerContributor(probe.name(), (HealthIndicator) () -> health(probe));
        }
    }

    static Health health(StoreProbe probe) {
        StoreProbe.Result result = probe.check();
        return (result.up() ? Health.up() : Health.down())
                .withDetails(result.details())
                .build();
    }
}
