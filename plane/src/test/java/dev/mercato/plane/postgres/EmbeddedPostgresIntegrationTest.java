package dev.mercato.plane.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresIntegrationTest {

    @TempDir
    Path folder;

    @Test
    void the_server_runs_with_durable_commits() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(EmbeddedPostgresSettings.of(folder));
                Connection c = admin(pg)) {
            assertThat(setting(c, "fsync")).isEqualTo("on");
            assertThat(setting(c, "synchronous_commit")).isEqualTo("on");
            assertThat(setting(c, "full_page_writes")).isEqualTo("on");
            assertThat(setting(c, "server_version")).startsWith("17.");
        }
    }

    @Test
    void restarting_on_the_same_folder_keeps_committed_rows() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(EmbeddedPostgresSettings.of(folder));
                Connection c = admin(pg);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (id int PRIMARY KEY)");
            s.execute("INSERT INTO kept SELECT generate_series(1, 100)");
        }
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(EmbeddedPostgresSettings.of(folder));
                Connection c = admin(pg)) {
            assertThat(count(c, "kept")).isEqualTo(100);
        }
    }

    @Test
    void a_killed_server_recovers_every_committed_row_on_restart() throws Exception {
        EmbeddedPostgres first = EmbeddedPostgres.start(EmbeddedPostgresSettings.of(folder));
        try (Connection c = admin(first);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE acked (id int PRIMARY KEY)");
            for (int i = 1; i <= 200; i++) {
                s.execute("INSERT INTO acked VALUES (" + i + ")");
            }
        }
        ProcessHandle postmaster = ProcessHandle.of(first.postmasterPid()).orElseThrow();
        postmaster.destroyForcibly();
        postmaster.onExit().get(30, TimeUnit.SECONDS);

        try (EmbeddedPostgres pg = EmbeddedPostgres.start(EmbeddedPostgresSettings.of(folder));
                Connection c = admin(pg)) {
            assertThat(count(c, "acked")).isEqualTo(200);
        }
    }

    @Test
    void a_server_orphaned_by_a_killed_process_is_stopped_and_replaced() throws Exception {
        EmbeddedPostgres orphan = EmbeddedPostgres.start(EmbeddedPostgresSettings.of(folder));
        long orphanPid = orphan.postmasterPid();
        try (Connection c = admin(orphan);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE survived (id int)");
            s.execute("INSERT INTO survived VALUES (1)");
        }
        // The process that started `orphan` "died" without closing it: a new start must take over.
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(EmbeddedPostgresSettings.of(folder));
                Connection c = admin(pg)) {
            assertThat(pg.postmasterPid()).isNotEqualTo(orphanPid);
            // pg_ctl returns once the pid file is gone; the process itself exits a moment later.
            await().atMost(Duration.ofSeconds(10)).until(() -> !alive(orphanPid));
            assertThat(count(c, "survived")).isEqualTo(1);
        }
    }

    @Test
    void close_stops_the_server() throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.start(EmbeddedPostgresSettings.of(folder));
        long pid = pg.postmasterPid();
        pg.close();
        assertThat(pg.isRunning()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> !alive(pid));
        DriverManager.setLoginTimeout(2);
        assertThatThrownBy(() -> admin(pg)).isInstanceOf(SQLException.class);
    }

    @Test
    void the_server_refuses_a_wrong_password() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(EmbeddedPostgresSettings.of(folder))) {
            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl("postgres"), "postgres", "guess"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
        }
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    static Connection admin(EmbeddedPostgres pg) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.adminUser(), pg.adminPassword());
    }

    static String setting(Connection c, String name) throws SQLException {
        try (var rs = c.createStatement().executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static int count(Connection c, String table) throws SQLException {
        try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
