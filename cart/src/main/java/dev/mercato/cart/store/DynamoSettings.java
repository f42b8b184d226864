package dev.mercato.cart.store;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the DynamoDB API cart store connects.
 *
 * @param endpoint empty for AWS's own endpoint of the region; otherwise e.g. a ScyllaDB Alternator node
 * @param accessKeyId with {@code secretAccessKey}: static credentials; blank for the SDK's default chain
 *     (environment, profile, instance role)
 * @param createTable create the table (and enable its TTL) when it does not exist; off where the table
 *     is managed elsewhere
 */
public record DynamoSettings(
        Optional<URI> endpoint,
        String region,
        String table,
        String accessKeyId,
        String secretAccessKey,
        boolean createTable) {

    public DynamoSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        if (region == null || region.isBlank()) {
            throw new IllegalArgumentException("mercato.cart.dynamodb.region is required, e.g. eu-west-1");
        }
        if (table == null || !table.matches("[A-Za-z0-9_.-]{3,255}")) {
            throw new IllegalArgumentException(
                    "mercato.cart.dynamodb.table must be 3-255 letters, digits, '_', '-' or '.', got '" + table + "'");
        }
        accessKeyId = accessKeyId == null ? "" : accessKeyId;
        secretAccessKey = secretAccessKey == null ? "" : secretAccessKey;
        if (accessKeyId.isBlank() != secretAccessKey.isBlank()) {
            throw new IllegalArgumentException("mercato.cart.dynamodb.access-key-id and secret-access-key go together:"
                    + " set both, or neither to use the SDK's default credentials");
        }
    }

    @Override
    public String toString() {
        // Never the secret: settings end up in logs.
        return "DynamoSettings[endpoint=" + endpoint.map(URI::toString).orElse("(AWS)") + ", region=" + region
                + ", table=" + table + ", staticCredentials=" + !accessKeyId.isBlank() + ", createTable="
                + createTable + "]";
    }
}
