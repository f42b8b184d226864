package dev.mercato.plane.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Scale-out mode against a PostgreSQL server the platform did not start: the one on 127.0.0.1:5432 when
 * there is one (the one-machine default needs none, so this test is skipped where none answers).
 */
@EnabledIf("serverAnswers")
class ExternalPostgresIntegrationTest {

    static final ExternalPostgres SERVER = new ExternalPostgres("127.0.0.1", 5432, "postgres", "");

    String database;
    PostgresStores first;
    PostgresStores second;

    static boolean serverAnswers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 5432), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @BeforeEach
    void twoInstancesOfOnePlatform() {
        database = "mercato_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String sharedSecret = "one-secret-for-every-instance";
        first = new PostgresStores(SERVER, database, sharedSecret, PostgresStores.PoolSettings.DEFAULT);
        second = new PostgresStores(SERVER, database, sharedSecret, PostgresStores.PoolSettings.DEFAULT);
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        first.close();
        second.close();
        try (Connection c = DriverManager.getConnection(SERVER.jdbcUrl("postgres"), "postgres", "")) {
            c.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    @Test
    void connection_parameters_reach_every_connection_the_driver_makes() throws SQLException {
        var named = new ExternalPostgres(
                "127.0.0.1",
                5432,
                "postgres",
                "",
                java.util.Map.of("sslmode", "disable", "ApplicationName", "mercato x"));
        assertThat(named.jdbcUrl("postgres"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/postgres?ApplicationName=mercato+x&sslmode=disable");
        try (Connection c = DriverManager.getConnection(named.jdbcUrl("postgres"), "postgres", "");
                var rs = c.createStatement().executeQuery("SELECT current_setting('application_name')")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("mercato x");
        }
        // TLS demanded of a server that offers none (this machine's) is refused, not quietly downgraded.
        var tls = new ExternalPostgres("127.0.0.1", 5432, "postgres", "", java.util.Map.of("sslmode", "require"));
        assertThatThrownBy(() -> DriverManager.getConnection(tls.jdbcUrl("postgres"), "postgres", "")
                        .close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("SSL");
    }

    @Test
    void two_instances_provision_the_same_schemas_and_share_their_rows() {
        first.open("alpha")
                .jdbc()
                .sql("INSERT INTO things VALUES (1, 'from the first instance')")
                .update();
        CapabilityStore fromSecond = second.open("alpha");
        assertThat(fromSecond
                        .jdbc()
                        .sql("SELECT name FROM things")
                        .query(String.class)
                        .single())
                .isEqualTo("from the first instance");
    }

    @Test
    void the_role_boundary_holds_on_an_external_server_too() throws SQLException {
        first.open("alpha");
        first.open("beta");
        try (Connection asAlpha = first.connectAs("alpha")) {
            assertThatThrownBy(() -> asAlpha.createStatement().executeQuery("SELECT * FROM beta.secrets"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        }
    }
}
