package dev.mercato.app.stores;

import dev.mercato.app.MercatoSettings;
import dev.mercato.app.MercatoSettings.Mode;
import dev.mercato.plane.kafka.DurabilitySettings;
import dev.mercato.plane.kafka.EmbeddedKafka;
import dev.mercato.plane.kafka.EmbeddedKafkaSettings;
import dev.mercato.plane.kafka.KafkaClients;
import dev.mercato.plane.kafka.KafkaProbe;
import dev.mercato.plane.kafka.LogTopics;
import dev.mercato.plane.postgres.EmbeddedPostgres;
import dev.mercato.plane.postgres.EmbeddedPostgresSettings;
import dev.mercato.plane.postgres.ExternalPostgres;
import dev.mercato.plane.postgres.PostgresProbe;
import dev.mercato.plane.postgres.PostgresServer;
import dev.mercato.plane.postgres.PostgresStores;
import dev.mercato.plane.store.DataFolder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Starts the embedded stores, or connects to external ones. Spring closes beans in the reverse order of
 * their dependencies, which is the shutdown order that matters: pools before the server, everything
 * before the data folder's lock is released.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MercatoSettings.class)
class StoresConfiguration {

    @Bean(destroyMethod = "close")
    DataFolder dataFolder(MercatoSettings settings) {
        return DataFolder.open(settings.dataDir());
    }

    /** An embedded server is closed by Spring (it is AutoCloseable) after the pools that depend on it. */
    @Bean
    PostgresServer postgresServer(MercatoSettings settings, DataFolder folder) {
        var pg = settings.postgres();
        if (settings.mode() == Mode.EXTERNAL) {
            return new ExternalPostgres(
                    pg.host(), pg.port() == 0 ? 5432 : pg.port(), pg.adminUser(), pg.adminPassword(), pg.connection());
        }
        return EmbeddedPostgres.start(
                new EmbeddedPostgresSettings(folder.resolve("postgres"), pg.port(), pg.serverConfig()));
    }

    @Bean(destroyMethod = "close")
    PostgresStores postgresStores(
            MercatoSettings settings,
            PostgresServer server,
            DataFolder folder,
            org.springframework.beans.factory.ObjectProvider<io.micrometer.core.instrument.MeterRegistry> metrics) {
        var pg = settings.postgres();
        String secret = settings.mode() == Mode.EXTERNAL
                ? requireSecret(pg.roleSecret())
                : folder.secret("postgres", "role.secret");
        var stores = new PostgresStores(
                server, pg.database(), secret, new PostgresStores.PoolSettings(pg.poolSize(), Duration.ofSeconds(5)));
        // Before any capability opens its pool: each pool then reports hikaricp.* tagged with its name.
        metrics.ifAvailable(stores::recordMetrics);
        return stores;
    }

    @Bean
    PostgresProbe postgresProbe(PostgresStores stores) {
        return new PostgresProbe(stores);
    }

    @Bean(destroyMethod = "close")
    KafkaAddress kafka(
            MercatoSettings settings,
            DataFolder folder,
            @org.springframework.beans.factory.annotation.Value("${server.port:8080}") int httpPort) {
        if (settings.mode() == Mode.EXTERNAL) {
            String servers = settings.kafka().bootstrapServers();
            if (servers.isBlank()) {
                throw new IllegalStateException(
                        "mercato.mode=external needs mercato.kafka.bootstrap-servers, e.g. kafka-1:9092,kafka-2:9092");
            }
            // TLS and SASL for the cluster: every client of this process connects with them.
            KafkaClients.use(settings.kafka().client());
            return KafkaAddress.external(servers);
        }
        // The broker takes seconds to start; it starts beside PostgreSQL rather than after it.
        Path logDir = folder.resolve("kafka");
        int port = settings.kafka().port();
        var broker = CompletableFuture.supplyAsync(
                // Tomcat binds its port after the broker picked its own: the broker must not take it meanwhile.
                () -> EmbeddedKafka.start(
                        new EmbeddedKafkaSettings(logDir, port, Map.of(), java.util.Set.of(httpPort))),
                runnable -> Thread.ofPlatform().name("kafka-start").start(runnable));
        return KafkaAddress.embedded(broker);
    }

    /** The log's durability policy: refused here, before anything starts, when it contradicts itself. */
    @Bean
    DurabilitySettings logDurability(MercatoSettings settings) {
        return settings.kafka().durability(settings.mode());
    }

    @Bean(destroyMethod = "close")
    KafkaProbe kafkaProbe(KafkaAddress kafka) {
        return new KafkaProbe(kafka::bootstrapServers);
    }

    /**
     * Start-up is not finished, and the platform not ready, until the log is, and has been checked against the
     * durability policy: more replicas than brokers stops start-up; existing topics weaker than the policy are
     * reported (and left as they are).
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    ApplicationRunner awaitKafka(KafkaAddress kafka, DurabilitySettings durability) {
        return args -> LogTopics.verify(kafka.bootstrapServers(), durability);
    }

    private static String requireSecret(String secret) {
        if (secret == null || secret.length() < 16) {
            throw new IllegalStateException("mercato.mode=external needs mercato.postgres.role-secret (16+ characters),"
                    + " the same on every instance: each capability's role password is derived from it.");
        }
        return secret;
    }
}
