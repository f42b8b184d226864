package dev.mercato.app;

import dev.mercato.plane.kafka.DurabilitySettings;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything an operator sets, bound from {@code mercato.*} in application.yaml (see that file for what
 * each setting means).
 */
@ConfigurationProperties("mercato")
public record MercatoSettings(
        @DefaultValue("embedded") Mode mode,
        @DefaultValue("./var") Path dataDir,
        @DefaultValue("true") boolean sampleData,
        @DefaultValue PostgresSettings postgres,
        @DefaultValue KafkaSettings kafka) {

    public enum Mode {
        /** Everything in this process, kept under the data folder: no outside service needed. */
        EMBEDDED,
        /** PostgreSQL and Kafka run elsewhere; this process connects to them. */
        EXTERNAL
    }

    /**
     * @param port embedded: the port to listen on, 0 for any free one; external: the server's port
     * @param host external only: the server's host
     * @param database the database every capability's schema lives in
     * @param adminUser external only: a role allowed to create roles, schemas and the database
     * @param adminPassword external only
     * @param roleSecret external only: the secret every instance derives role passwords from
     * @param poolSize connections per capability
     * @param serverConfig embedded only: server settings over the durable defaults (e.g. {@code shared_buffers},
     *     or {@code shared_preload_libraries=pg_stat_statements} to profile); keys with an underscore are written
     *     in brackets, {@code mercato.postgres.server-config.[shared_buffers]=256MB}. The settings that make a
     *     commit durable cannot be changed here
     */
    public record PostgresSettings(
            @DefaultValue("0") int port,
            @DefaultValue("127.0.0.1") String host,
            @DefaultValue("mercato") String database,
            @DefaultValue("postgres") String adminUser,
            @DefaultValue("") String adminPassword,
            @DefaultValue("") String roleSecret,
            @DefaultValue("8") int poolSize,
            Map<String, String> serverConfig,
            Map<String, String> connection) {

        public PostgresSettings {
            serverConfig = serverConfig == null ? Map.of() : Map.copyOf(serverConfig);
            connection = connection == null ? Map.of() : Map.copyOf(connection);
        }
    }

    /**
     * @param port embedded: the broker's port, 0 for any free one
     * @param bootstrapServers external only: the cluster to connect to
     * @param replicationFactor copies of each partition of the topics the platform creates; unset: 1 embedded, 3
     *     external
     * @param minInsyncReplicas copies that must hold an event before the log acknowledges it (each created topic's
     *     {@code min.insync.replicas}); unset: 1 embedded, 2 external, never more than the replication factor
     * @param acks the relay producer's acks: {@code all}, the only value an idempotent producer allows
     */
    public record KafkaSettings(
            @DefaultValue("0") int port,
            @DefaultValue("") String bootstrapServers,
            Integer replicationFactor,
            Integer minInsyncReplicas,
            @DefaultValue("all") String acks,
            Map<String, String> client) {

        public KafkaSettings {
            client = client == null ? Map.of() : Map.copyOf(client);
        }

        /** The log's durability policy for this mode, validated: a contradiction fails start-up with what to change. */
        public DurabilitySettings durability(Mode mode) {
            DurabilitySettings defaults =
                    mode == Mode.EXTERNAL ? DurabilitySettings.EXTERNAL : DurabilitySettings.EMBEDDED;
            return DurabilitySettings.of(defaults, replicationFactor, minInsyncReplicas, acks);
        }
    }
}
