package dev.mercato.plane.testing;

import dev.mercato.plane.postgres.EmbeddedPostgres;
import dev.mercato.plane.postgres.EmbeddedPostgresSettings;
import dev.mercato.plane.postgres.PostgresStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * One real PostgreSQL per test JVM, started on first use and stopped when the JVM exits. Each caller gets
 * its own database on it, so tests do not see each other's rows.
 */
public final class SharedPostgres {

    private static EmbeddedPostgres server;

    private SharedPostgres() {}

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                Path folder = Files.createTempDirectory("mercato-test-pg");
                server = EmbeddedPostgres.start(EmbeddedPostgresSettings.of(folder));
                Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shared-postgres-stop"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }

    /** Stores on a fresh database of the shared server. */
    public static PostgresStores freshStores() {
        String database = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        return new PostgresStores(
                server(), database, "test-role-secret-" + database, PostgresStores.PoolSettings.DEFAULT);
    }
}
