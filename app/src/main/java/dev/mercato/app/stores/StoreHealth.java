package dev.mercato.app.stores;

import dev.mercato.plane.StoreProbe;
import java.util.List;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One health component per store, so an operator sees which one is down. */
@Configuration(proxyBeanMethods = false)
class StoreHealth {

    @Bean
    HealthIndicator postgresHealthIndicator(List<StoreProbe> probes) {
        return indicator(probes, "postgres");
    }

    @Bean
    HealthIndicator kafkaHealthIndicator(List<StoreProbe> probes) {
        return indicator(probes, "kafka");
    }

    @Bean
    HealthIndicator rocksdbHealthIndicator(List<StoreProbe> probes) {
        return indicator(probes, "rocksdb");
    }

    private static HealthIndicator indicator(List<StoreProbe> probes, String name) {
        StoreProbe probe = probes.stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No store probe named " + name));
        return () -> health(probe);
    }

    static Health health(StoreProbe probe) {
        StoreProbe.Result result = probe.check();
        return (result.up() ? Health.up() : Health.down())
                .withDetails(result.details())
                .build();
    }
}
