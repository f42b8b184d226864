package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The log's durability settings as an operator gives them: bound, checked against the broker, refused readably. */
class LogDurabilityPolicyIntegrationTest {

    @TempDir
    Path data;

    @Test
    void start_up_refuses_three_replicas_on_the_single_embedded_broker_and_says_what_to_change() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(MercatoApplication.class)
                        .run(
                                "--mercato.data-dir=" + data,
                                "--server.port=0",
                                "--mercato.sample-data=false",
                                "--mercato.kafka.replication-factor=3"))
                .hasStackTraceContaining("mercato.kafka.replication-factor=3 but the Kafka cluster at")
                .hasStackTraceContaining("has 1 broker")
                .hasStackTraceContaining("Set mercato.kafka.replication-factor to at most 1");
    }

    @Test
    void start_up_refuses_acks_the_idempotent_relay_cannot_use() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(MercatoApplication.class)
                        .run(
                                "--mercato.data-dir=" + data,
                                "--server.port=0",
                                "--mercato.sample-data=false",
                                "--mercato.kafka.acks=1"))
                .hasStackTraceContaining("mercato.kafka.acks=1 is refused")
                .hasStackTraceContaining("Set mercato.kafka.acks=all");
    }
}
