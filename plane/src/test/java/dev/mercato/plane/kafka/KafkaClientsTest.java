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
        assertThat(KafkaClients.settings()).isEmpty();
    }
}
