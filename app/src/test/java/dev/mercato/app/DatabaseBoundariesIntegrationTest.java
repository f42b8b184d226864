package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.plane.postgres.PostgresStores;
import dev.mercato.plane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The database, not convention, keeps each capability inside its own schema: with every real migration
 * applied, every capability's role is refused every other capability's tables.
 */
class DatabaseBoundariesIntegrationTest {

    static final List<String> SCHEMAS =
            List.of("catalog", "inventory", "orders", "payments", "provider", "customers", "fulfillment", "accounting");

    static PostgresStores stores;

    @BeforeAll
    static void openEveryCapability() {
        stores = SharedPostgres.freshStores();
        SCHEMAS.forEach(stores::open);
    }

    @AfterAll
    static void close() {
        stores.close();
    }

    @Test
    void every_capability_owns_tables_in_its_own_schema_only() throws SQLException {
        for (String schema : List.of("catalog", "inventory", "customers", "fulfillment", "provider")) {
            assertThat(tablesOf(schema)).as("tables of " + schema).isNotEmpty();
        }
        try (Connection admin = stores.adminConnection();
                var rs = admin.createStatement()
                        .executeQuery("SELECT schemaname, tableowner FROM pg_tables WHERE schemaname = ANY('{"
                                + String.join(",", SCHEMAS) + "}')")) {
            while (rs.next()) {
                assertThat(rs.getString("tableowner")).isEqualTo(PostgresStores.roleOf(rs.getString("schemaname")));
            }
        }
    }

    @Test
    void no_capability_role_can_read_or_write_another_capabilitys_tables() throws SQLException {
        int refused = 0;
        for (String reader : SCHEMAS) {
            try (Connection as = stores.connectAs(reader)) {
                for (String owner : SCHEMAS) {
                    if (owner.equals(reader)) {
                        continue;
                    }
                    for (String table : tablesOf(owner)) {
                        String qualified = owner + "." + table;
                        assertThatThrownBy(() -> as.createStatement().executeQuery("SELECT * FROM " + qualified))
                                .as(reader + " reading " + qualified)
                                .isInstanceOf(SQLException.class)
                                .satisfies(e -> assertThat(((SQLException) e).getSQLState())
                                        .isEqualTo("42501"));
                        assertThatThrownBy(() -> as.createStatement().executeUpdate("DELETE FROM " + qualified))
                                .as(reader + " deleting from " + qualified)
                                .isInstanceOf(SQLException.class);
                        refused++;
                    }
                }
            }
        }
        assertThat(refused).as("cross-schema reads tried").isGreaterThan(SCHEMAS.size());
    }

    @Test
    void no_capability_role_can_use_another_schema_or_the_public_one() throws SQLException {
        for (String reader : SCHEMAS) {
            try (Connection as = stores.connectAs(reader)) {
                for (String owner : SCHEMAS) {
                    boolean usage = query(as, "SELECT has_schema_privilege('" + owner + "', 'USAGE')");
                    assertThat(usage).as(reader + " using schema " + owner).isEqualTo(owner.equals(reader));
                }
                assertThat(query(as, "SELECT has_schema_privilege('public', 'CREATE')"))
                        .as(reader + " creating in public")
                        .isFalse();
            }
        }
    }

    static boolean query(Connection c, String sql) throws SQLException {
        try (var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    static List<String> tablesOf(String schema) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection admin = stores.adminConnection();
                var rs = admin.createStatement()
                        .executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = '" + schema + "'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }
}
