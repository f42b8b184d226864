package dev.mercato.cart.config;

import dev.mercato.cart.store.DynamoSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The cart capability's settings, bound from {@code mercato.cart.*}.
 *
 * @param store where carts live: {@code rocksdb} under the data folder, or {@code dynamodb}
 * @param ttl how long a cart lives after its last change
 * @param sweepInterval how often expired carts are deleted (they are invisible from their expiry on)
 * @param relayPollInterval how long the event relay waits for a write before looking anyway
 * @param relayBatchSize events the relay publishes per round
 */
@ConfigurationProperties("mercato.cart")
record CartSettings(
        @DefaultValue("rocksdb") StoreKind store,
        @DefaultValue("24h") Duration ttl,
        @DefaultValue("1m") Duration sweepInterval,
        @DefaultValue("500ms") Duration relayPollInterval,
        @DefaultValue("1000") int relayBatchSize,
        @DefaultValue Dynamodb dynamodb) {

    enum StoreKind {
        ROCKSDB,
        DYNAMODB
    }

    CartSettings {
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("mercato.cart.ttl must be at least 1s, got " + ttl);
        }
        if (sweepInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException(
                    "mercato.cart.sweep-interval must be at least 100ms, got " + sweepInterval);
        }
        if (relayPollInterval.isNegative() || relayPollInterval.isZero()) {
            throw new IllegalArgumentException("mercato.cart.relay-poll-interval must be positive");
        }
        if (relayBatchSize < 1 || relayBatchSize > 10_000) {
            throw new IllegalArgumentException("mercato.cart.relay-batch-size must be 1-10000, got " + relayBatchSize);
        }
    }

    /**
     * @param endpoint blank for AWS's endpoint of the region; otherwise the server's URL, e.g. a ScyllaDB
     *     Alternator node
     * @param region the AWS region (any value for a non-AWS server)
     * @param table the carts table
     * @param accessKeyId with secretAccessKey: static credentials; both blank for the SDK's default chain
     * @param createTable create the table, its indexes and its TTL when missing
     */
    record Dynamodb(
            @DefaultValue("") String endpoint,
            @DefaultValue("us-east-1") String region,
            @DefaultValue("mercato-carts") String table,
            @DefaultValue("") String accessKeyId,
            @DefaultValue("") String secretAccessKey,
            @DefaultValue("true") boolean createTable) {

        DynamoSettings toStoreSettings() {
            Optional<URI> uri = endpoint.isBlank() ? Optional.empty() : Optional.of(URI.create(endpoint.trim()));
            return new DynamoSettings(uri, region, table, accessKeyId, secretAccessKey, createTable);
        }

        @Override
        public String toString() {
            return toStoreSettings().toString();
        }
    }
}
