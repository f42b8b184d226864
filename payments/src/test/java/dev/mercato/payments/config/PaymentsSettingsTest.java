package dev.mercato.payments.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.payments.domain.RetryPolicy;
import dev.mercato.payments.provider.SimulatedProviderSettings;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class PaymentsSettingsTest {

    static PaymentsSettings bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("mercato.payments", PaymentsSettings.class);
    }

    @Test
    void without_configuration_the_provider_is_fast_and_rarely_fails() {
        PaymentsSettings settings = bind(Map.of());

        assertThat(settings.provider().toSettings())
                .isEqualTo(new SimulatedProviderSettings(
                        Duration.ofMillis(1), Duration.ofMillis(5), 0.01, 1L, new BigDecimal("10000.00")));
        assertThat(settings.retry().toPolicy()).isEqualTo(RetryPolicy.DEFAULT);
    }

    @Test
    void every_setting_is_read_from_mercato_payments() {
        PaymentsSettings settings = bind(Map.of(
                "mercato.payments.provider.latency-min", "20ms",
                "mercato.payments.provider.latency-max", "200ms",
                "mercato.payments.provider.failure-rate", "0.25",
                "mercato.payments.provider.seed", "42",
                "mercato.payments.provider.amount-limit", "500",
                "mercato.payments.retry.attempts", "6",
                "mercato.payments.retry.backoff", "1ms",
                "mercato.payments.retry.max-backoff", "8ms"));

        assertThat(settings.provider().toSettings())
                .isEqualTo(new SimulatedProviderSettings(
                        Duration.ofMillis(20), Duration.ofMillis(200), 0.25, 42L, new BigDecimal("500")));
        assertThat(settings.retry().toPolicy())
                .isEqualTo(new RetryPolicy(6, Duration.ofMillis(1), Duration.ofMillis(8)));
    }
}
