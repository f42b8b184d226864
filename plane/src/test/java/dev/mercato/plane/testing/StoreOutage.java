package dev.mercato.plane.testing;

import dev.mercato.plane.postgres.PostgresStores;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Takes one capability's store away as a PostgreSQL server of its own that died would be: its role may no
 * longer log in and its open connections are cut. And gives it back.
 */
public final class StoreOutage {

    private StoreOutage() {}

    public static void down(PostgresStores stores, String schema) throws SQLException {
        set(stores, schema, true);
    }

    public static void up(PostgresStores stores, String schema) throws SQLException {
        set(stores, schema, false);
    }

    private static void set(PostgresStores stores, String schema, boolean down) throws SQLException {
        String role = PostgresStores.roleOf(schema);
        try (Connection admin = stores.adminConnection();
                Statement s = admin.createStatement()) {
            s.execute("ALTER ROLE " + role + (down ? " NOLOGIN" : " LOGIN"));
            if (down) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
            }
        }
    }
}
