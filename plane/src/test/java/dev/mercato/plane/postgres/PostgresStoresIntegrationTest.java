package dev.mercato.plane.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.plane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostgresStoresIntegrationTest {

    PostgresStores stores;

    @BeforeEach
    void open() {
        stores = SharedPostgres.freshStores();
    }

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void a_capability_reads_and_writes_its_own_migrated_tables() {
        CapabilityStore alpha = stores.open("alpha");
        alpha.jdbc().sql("INSERT INTO things VALUES (1, 'one')").update();
        assertThat(alpha.jdbc()
                        .sql("SELECT name FROM things")
                        .query(String.class)
                        .single())
                .isEqualTo("one");
        assertThat(alpha.role()).isEqualTo("mercato_alpha");
    }

    @Test
    void a_capability_role_cannot_read_another_capabilitys_tables() throws SQLException {
        stores.open("alpha");
        stores.open("beta");
        try (Connection asAlpha = stores.connectAs("alpha")) {
            assertThatThrownBy(() -> asAlpha.createStatement().executeQuery("SELECT value FROM beta.secrets"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        }
    }

    @Test
    void a_capability_role_cannot_create_tables_outside_its_schema() throws SQLException {
        stores.open("alpha");
        stores.open("beta");
        try (Connection asAlpha = stores.connectAs("alpha")) {
            assertThatThrownBy(() -> asAlpha.createStatement().execute("CREATE TABLE public.sneaky (id int)"))
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> asAlpha.createStatement().execute("CREATE TABLE beta.sneaky (id int)"))
                    .isInstanceOf(SQLException.class);
        }
    }

    @Test
    void opening_twice_is_idempotent_and_keeps_rows() {
        stores.open("alpha")
                .jdbc()
                .sql("INSERT INTO things VALUES (7, 'seven')")
                .update();
        stores.close();
        stores = new PostgresStores(
                stores.server(),
                stores.database(),
                "test-role-secret-" + stores.database(),
                PostgresStores.PoolSettings.DEFAULT);
        CapabilityStore again = stores.open("alpha");
        assertThat(again.jdbc()
                        .sql("SELECT count(*) FROM things")
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
        assertThat(stores.open("alpha")).isSameAs(again);
    }

    @Test
    void invalid_schema_names_are_refused_before_reaching_the_database() {
        assertThatThrownBy(() -> stores.open("Robert'); DROP TABLE students;--"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema must match");
    }
}
