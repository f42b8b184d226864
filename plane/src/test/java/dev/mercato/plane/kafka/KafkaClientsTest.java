package dev.mercato.plane.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connection settings every client takes, and the ones no setting may override. */
class KafkaClientsTest {

    @AfterEach
    void none() {
        KafkaClients.use(Map.of());
    }

    @Test
    void tls_and_sasl_settings_are_added_to_every_clients_properties() {
        KafkaClients.use(Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "ssl.truststore.location", "/etc/mercato/kafka-ca.p12"));
        Properties producer = new Properties();
        KafkaClients.apply(producer);
        Map<String, Object> consumer = new HashMap<>();
        KafkaClients.apply(consumer);
        assertThat(producer)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(consumer).containsEntry("ssl.truststore.location", "/etc/mercato/kafka-ca.p12");
    }

    @Test
    void a_setting_that_would_change_delivery_guarantees_is_refused_with_where_to_set_it() {
        assertThatThrownBy(() -> KafkaClients.use(Map.of("acks", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mercato.kafka.acks");
        assertThatThrownBy(() -> KafkaClients.use(Map.of("isolation.level", "read_uncommitted")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KafkaClients.use(Map.of("max.in.flight.requests.per.connection", "5")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(KafkaClients.settings()).isEmpty();
    }

    @Test
    void the_relay_keeps_one_request_in_flight_so_a_retried_request_cannot_land_behind_the_next() {
        // KAFKA-15591: with several in flight, a first request refused by a partition still being opened was
        // overtaken by the next one, then failed out of order until its timeout and was sent again after it.
        Properties relay = KafkaPublisher.producerSettings("localhost:9092", DurabilitySettings.EMBEDDED);
        assertThat(relay)
                .containsEntry("max.in.flight.requests.per.connection", 1)
                .containsEntry("enable.idempotence", true)
                .containsEntry("acks", "all");
    }
}
