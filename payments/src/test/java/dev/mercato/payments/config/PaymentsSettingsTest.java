package dev.mercato.payments.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(settings.provider().store()).isEqualTo(PaymentsSettings.Provider.StoreKind.POSTGRES);
        assertThat(settings.provider().answerRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(settings.provider().answerSweepInterval()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void every_setting_is_read_from_mercato_payments() {
        PaymentsSettings settings = bind(Map.ofEntries(
                Map.entry("mercato.payments.provider.latency-min", "20ms"),
                Map.entry("mercato.payments.provider.latency-max", "200ms"),
                Map.entry("mercato.payments.provider.failure-rate", "0.25"),
                Map.entry("mercato.payments.provider.seed", "42"),
                Map.entry("mercato.payments.provider.amount-limit", "500"),
                Map.entry("mercato.payments.provider.store", "memory"),
                Map.entry("mercato.payments.provider.answer-retention", "2d"),
                Map.entry("mercato.payments.provider.answer-sweep-interval", "10m"),
                Map.entry("mercato.payments.retry.attempts", "6"),
                Map.entry("mercato.payments.retry.backoff", "1ms"),
                Map.entry("mercato.payments.retry.max-backoff", "8ms")));

        assertThat(settings.provider().toSettings())
                .isEqualTo(new SimulatedProviderSettings(
                        Duration.ofMillis(20), Duration.ofMillis(200), 0.25, 42L, new BigDecimal("500")));
        assertThat(settings.retry().toPolicy())
                .isEqualTo(new RetryPolicy(6, Duration.ofMillis(1), Duration.ofMillis(8)));
        assertThat(settings.provider().store()).isEqualTo(PaymentsSettings.Provider.StoreKind.MEMORY);
        assertThat(settings.provider().answerRetention()).isEqualTo(Duration.ofDays(2));
        assertThat(settings.provider().answerSweepInterval()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void answers_are_kept_an_hour_at_least_and_swept_at_most_every_second() {
        assertThatThrownBy(() -> bind(Map.of("mercato.payments.provider.answer-retention", "10m")))
                .hasStackTraceContaining("answer-retention must be at least 1h");
        assertThatThrownBy(() -> bind(Map.of("mercato.payments.provider.answer-sweep-interval", "100ms")))
                .hasStackTraceContaining("answer-sweep-interval must be at least 1s");
    }
}
