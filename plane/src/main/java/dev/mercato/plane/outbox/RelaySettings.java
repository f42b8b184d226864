package dev.mercato.plane.outbox;

import java.time.Duration;

/**
 * @param batchSize rows published per round
 * @param pollInterval how long the relay waits for a NOTIFY before looking anyway
 * @param retention how long published rows are kept before they are purged
 * @param alertAfter the oldest unpublished row's age at which the backlog is flagged
 */
public record RelaySettings(int batchSize, Duration pollInterval, Duration retention, Duration alertAfter) {

    public static final RelaySettings DEFAULT =
            new RelaySettings(10_000, Duration.ofMillis(500), Duration.ofHours(24), Duration.ofSeconds(30));

    public RelaySettings {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batchSize must be 1..10000, got " + batchSize);
        }
    }
}
