package dev.mercato.app;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** Every span the platform under test exports, kept in memory for tests to read. */
@TestConfiguration(proxyBeanMethods = false)
class TestSpans {

    @Bean
    InMemorySpanExporter spans() {
        return InMemorySpanExporter.create();
    }
}
