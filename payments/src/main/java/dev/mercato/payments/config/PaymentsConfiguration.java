package dev.mercato.payments.config;

import dev.mercato.payments.Payments;
import dev.mercato.payments.domain.PaymentsService;
import dev.mercato.payments.provider.PaymentProvider;
import dev.mercato.payments.provider.SimulatedProvider;
import dev.mercato.payments.provider.Sleeper;
import dev.mercato.payments.store.JdbcPaymentIntents;
import dev.mercato.plane.outbox.Outboxes;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires payments onto its own schema and the simulated provider. The provider bean is also the {@link
 * dev.mercato.payments.ProviderLedger}: tests and operators read what it moved from the same instance.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PaymentsSettings.class)
class PaymentsConfiguration {

    @Bean
    SimulatedProvider simulatedPaymentProvider(PaymentsSettings settings, Clock clock) {
        return new SimulatedProvider(settings.provider().toSettings(), clock, Sleeper.REAL);
    }

    @Bean
    Payments payments(
            PostgresStores stores,
            Outboxes outboxes,
            PaymentProvider provider,
            PaymentsSettings settings,
            Clock clock) {
        CapabilityStore store = stores.open("payments");
        return new PaymentsService(
                new JdbcPaymentIntents(store, outboxes.register(store)),
                provider,
                settings.retry().toPolicy(),
                Sleeper.REAL,
                clock);
    }
}
