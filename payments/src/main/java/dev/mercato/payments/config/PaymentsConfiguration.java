package dev.mercato.payments.config;

import dev.mercato.payments.Payments;
import dev.mercato.payments.domain.PaymentsService;
import dev.mercato.payments.provider.PaymentProvider;
import dev.mercato.payments.provider.ProviderStore;
import dev.mercato.payments.provider.SimulatedProvider;
import dev.mercato.payments.provider.Sleeper;
import dev.mercato.payments.store.JdbcPaymentIntents;
import dev.mercato.plane.Periodic;
import dev.mercato.plane.batch.WriteBatches;
import dev.mercato.plane.outbox.Outboxes;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires payments onto its own schema and the simulated provider onto its store (schema {@code provider} by
 * default, see {@link PaymentsSettings.Provider#store}), with the task that deletes its answers past their
 * retention. The provider bean is also the {@link dev.mercato.payments.ProviderLedger}: tests and operators
 * read what it moved from the same instance.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PaymentsSettings.class)
class PaymentsConfiguration {

    @Bean
    SimulatedProvider simulatedPaymentProvider(PostgresStores stores, PaymentsSettings settings, Clock clock) {
        ProviderStore store = switch (settings.provider().store()) {
            case POSTGRES -> ProviderStore.onPostgres(stores);
            case MEMORY -> ProviderStore.inMemory();
        };
        return new SimulatedProvider(store, settings.provider().toSettings(), clock, Sleeper.REAL);
    }

    @Bean(destroyMethod = "close")
    Periodic providerAnswersSweeper(SimulatedProvider provider, PaymentsSettings settings) {
        Duration interval = settings.provider().answerSweepInterval();
        return Periodic.start(
                "provider-answers-sweeper",
                interval,
                interval,
                "provider idempotency answers past retention deleted",
                () -> provider.forgetAnswersOlderThan(settings.provider().answerRetention()));
    }

    @Bean
    Payments payments(
            PostgresStores stores,
            Outboxes outboxes,
            PaymentProvider provider,
            PaymentsSettings settings,
            Clock clock,
            ObjectProvider<WriteBatches> batches) {
        CapabilityStore store = stores.open("payments");
        JdbcPaymentIntents intents = new JdbcPaymentIntents(store, outboxes.register(store));
        batches.ifAvailable(b -> b.register(intents.combiners()));
        return new PaymentsService(intents, provider, settings.retry().toPolicy(), Sleeper.REAL, clock);
    }
}
