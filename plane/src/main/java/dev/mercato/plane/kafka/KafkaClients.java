package dev.mercato.plane.kafka;

import java.util.Map;
import java.util.Set;

/**
 * Connection settings every Kafka client of this process takes on top of its own (the relay's producer, the
 * views' consumers, the admin clients that create topics and probe the log): TLS and SASL for a cluster that
 * requires them ({@code security.protocol}, {@code ssl.*}, {@code sasl.*}). Installed once at start from
 * {@code mercato.kafka.client.*}; empty for the embedded broker.
 */
public final class KafkaClients {

    /** What each client decides for itself: a setting here would break the delivery guarantees. */
    private static final Set<String> OWN = Set.of(
            "bootstrap.servers",
            "acks",
            "enable.idempotence",
            "max.in.flight.requests.per.connection",
            "enable.auto.commit",
            "isolation.level",
            "group.id",
            "key.serializer",
            "value.serializer",
            "key.deserializer",
            "value.deserializer",
            "auto.offset.reset");

    private static volatile Map<String, String> common = Map.of();

    private KafkaClients() {}

    /** Sets the connection settings; refuses one that a client must decide itself. */
    public static void use(Map<String, String> settings) {
        for (String key : settings.keySet()) {
            if (OWN.contains(key)) {
                throw new IllegalArgumentException("mercato.kafka.client." + key + " cannot be set: the platform sets "
                        + key + " itself (bootstrap servers: mercato.kafka.bootstrap-servers; acks:"
                        + " mercato.kafka.acks)");
            }
        }
        common = Map.copyOf(settings);
    }

    /** Adds the connection settings to a client's properties. */
    public static void apply(Map<? super String, ? super String> properties) {
        common.forEach(properties::put);
    }

    static Map<String, String> settings() {
        return common;
    }
}
