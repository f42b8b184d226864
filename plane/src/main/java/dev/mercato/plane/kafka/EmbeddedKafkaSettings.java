package dev.mercato.plane.kafka;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where and how the platform's own Kafka broker runs.
 *
 * @param logDir the folder that holds this broker's data; the same folder on the next start brings back every topic
 *     and record
 * @param port the client port on 127.0.0.1, or 0 to take a free one at each start (clients must then read {@link
 *     EmbeddedKafka#bootstrapServers()} instead of remembering an address)
 * @param overrides broker properties applied last, over the platform's defaults
 * @param avoidPorts ports the process will bind later (its HTTP port): a free port the broker picks is never one
 *     of them, though they are free while it picks
 */
public record EmbeddedKafkaSettings(Path logDir, int port, Map<String, String> overrides, Set<Integer> avoidPorts) {

    public EmbeddedKafkaSettings(Path logDir, int port, Map<String, String> overrides) {
        this(logDir, port, overrides, Set.of());
    }

    public EmbeddedKafkaSettings {
        Objects.requireNonNull(logDir, "logDir");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 or a TCP port, was " + port);
        }
        overrides = Map.copyOf(overrides == null ? Map.of() : overrides);
        avoidPorts = Set.copyOf(avoidPorts == null ? Set.of() : avoidPorts);
    }

    public static EmbeddedKafkaSettings of(Path logDir) {
        return new EmbeddedKafkaSettings(logDir, 0, Map.of());
    }
}
