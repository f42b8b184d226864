package dev.mercato.payments.config;

import static dev.mercato.payments.Authorizations.anAuthorization;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.payments.PaymentId;
import dev.mercato.payments.PaymentIntent;
import dev.mercato.payments.Payments;
import dev.mercato.payments.ProviderLedger;
import dev.mercato.payments.provider.ProviderStore;
import dev.mercato.payments.provider.SimulatedProvider;
import dev.mercato.plane.outbox.Outboxes;
import dev.mercato.plane.outbox.RelaySettings;
import dev.mercato.plane.postgres.PostgresStores;
import dev.mercato.plane.testing.SharedPostgres;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;

/** The module's own wiring, booted alone on a real store: what the composition root will get. */
class PaymentsConfigurationIntegrationTest {

    @Test
    void the_module_boots_with_its_settings_and_one_provider_that_is_also_the_ledger() {
        try (PostgresStores stores = SharedPostgres.freshStores();
                Outboxes outboxes = new Outboxes(stores, events -> {}, RelaySettings.DEFAULT, Clock.systemUTC());
                var context = new AnnotationConfigApplicationContext()) {
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new MapPropertySource(
                            "test",
                            Map.of(
                                    "mercato.payments.provider.failure-rate", "0",
                                    "mercato.payments.provider.latency-max", "2ms",
                                    "mercato.payments.provider.amount-limit", "100")));
            context.registerBean(PostgresStores.class, () -> stores);
            context.registerBean(Outboxes.class, () -> outboxes);
            context.registerBean(Clock.class, Clock::systemUTC);
            context.scan("dev.mercato.payments.config", "dev.mercato.payments.web");
            context.refresh();

            SimulatedProvider provider = context.getBean(SimulatedProvider.class);
            assertThat(context.getBean(ProviderLedger.class)).isSameAs(provider);
            assertThat(provider.settings().latencyMax()).isEqualTo(Duration.ofMillis(2));

            Payments payments = context.getBean(Payments.class);
            PaymentIntent over = payments.authorize(
                    anAuthorization().id("pay-1").amount("100.01").build());
            assertThat(over.declineReason()).as("the configured limit applies").contains("amount-too-large");
            assertThat(payments.authorize(anAuthorization()
                                    .id("pay-2")
                                    .amount("99.00")
                                    .build())
                            .status())
                    .isEqualTo(PaymentIntent.Status.AUTHORIZED);
            assertThat(provider.entries(PaymentId.of("pay-2"))).hasSize(1);
            SimulatedProvider afterRestart = new SimulatedProvider(
                    ProviderStore.onPostgres(stores), provider.settings(), Clock.systemUTC(), d -> {});
            assertThat(afterRestart.entries(PaymentId.of("pay-2")))
                    .as("by default the provider keeps its ledger in schema provider")
                    .isEqualTo(provider.entries(PaymentId.of("pay-2")));
        }
    }
}
