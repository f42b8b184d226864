package dev.mercato.plane.postgres;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How to run the embedded PostgreSQL.
 *
 * @param folder where the binaries, the cluster and the server log live
 * @param port the TCP port on 127.0.0.1; 0 picks a free one at every start
 * @param serverConfig settings passed to the server, over the durable defaults
 */
public record EmbeddedPostgresSettings(Path folder, int port, Map<String, String> serverConfig) {

    /**
     * The embedded defaults are not durable, so durability is set explicitly: a commit that returned has
     * reached the disk, and a torn page can be repaired from the WAL.
     */
    static final Map<String, String> DURABLE = Map.of(
            "fsync", "on",
            "synchronous_commit", "on",
            "full_page_writes", "on",
            "wal_sync_method", "fdatasync",
            "max_connections", "300",
            "listen_addresses", "127.0.0.1");

    /**
     * What the server records about its own work: per-statement counts and times ({@code pg_stat_statements},
     * read by the platform's slow-statement route and metrics). A setting of the same name overrides it.
     */
    static final Map<String, String> OBSERVED = Map.of("shared_preload_libraries", "pg_stat_statements");

    /** The settings that decide whether a commit that returned survives a crash: never overridden. */
    static final Set<String> DURABILITY = Set.of("fsync", "synchronous_commit", "full_page_writes", "wal_sync_method");

    public EmbeddedPostgresSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        for (String key : serverConfig.keySet()) {
            if (DURABILITY.contains(key)) {
                throw new IllegalArgumentException("The embedded server's " + key + " is fixed at " + DURABLE.get(key)
                        + " so that an acknowledged order survives a crash; remove that setting");
            }
        }
        Map<String, String> merged = new LinkedHashMap<>(DURABLE);
        merged.putAll(OBSERVED);
        merged.putAll(serverConfig);
        serverConfig = Map.copyOf(merged);
    }

    public static EmbeddedPostgresSettings of(Path folder) {
        return new EmbeddedPostgresSettings(folder, 0, Map.of());
    }
}
