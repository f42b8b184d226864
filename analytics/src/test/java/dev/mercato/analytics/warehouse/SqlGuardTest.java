package dev.mercato.analytics.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.analytics.SqlResult;
import dev.mercato.plane.InvalidInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin's SQL against a real warehouse: what the security review found, and the rest of its class. */
class SqlGuardTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    Warehouse warehouse;
    ScheduledExecutorService canceller;
    SqlRunner runner;

    @BeforeEach
    void open() {
        warehouse = Warehouse.open(dir.resolve("warehouse.duckdb"), dir.resolve("lake"), CLOCK);
        canceller = Executors.newSingleThreadScheduledExecutor();
        runner = new SqlRunner(warehouse, canceller, Duration.ofSeconds(20), 100);
    }

    @AfterEach
    void close() {
        canceller.shutdownNow();
        warehouse.close();
    }

    long tablesNamed(String name) throws Exception {
        return WarehouseTest.count(
                warehouse, "SELECT count(*) FROM information_schema.tables WHERE table_name = '" + name + "'");
    }

    void refused(String sql, String why) {
        assertThatThrownBy(() -> runner.run(sql))
                .as(sql.length() > 100 ? sql.substring(0, 100) : sql)
                .isInstanceOfSatisfying(
                        InvalidInput.class, e -> assertThat(e.field()).isEqualTo("sql"))
                .hasMessageContaining(why);
    }

    interface Check {
        void verify(String attack) throws Exception;
    }

    /** Runs each attack, checks that it had no effect whatever the answer was, then that it was refused. */
    void harmlessAndRefused(List<String> attacks, Check noEffect) throws Exception {
        for (String attack : attacks) {
            try {
                runner.run(attack);
            } catch (RuntimeException answered) {
                // Refused or failed: the effect is checked first, as the old code failed after writing.
            }
            noEffect.verify(attack);
            refused(attack, "not a read-only query");
        }
    }

    // Finding 1: EXPLAIN (and DESCRIBE, SHOW, SUMMARIZE) skipped DuckDB's parser, and quoting the
    // hand-written lexer did not know hid the rest, so the driver ran every statement of the text.
    @Test
    void a_read_keyword_followed_by_quoting_the_lexer_did_not_know_runs_no_second_statement() throws Exception {
        List<String> attacks = List.of(
                "EXPLAIN SELECT $$x$$; ROLLBACK; CREATE TABLE pwned AS SELECT 1",
                "EXPLAIN SELECT $$'$$; ROLLBACK; CREATE TABLE pwned AS SELECT 1; --'",
                "EXPLAIN SELECT $$--$$; ROLLBACK; CREATE TABLE pwned AS SELECT 1",
                "EXPLAIN SELECT $tag$ $$ ' $tag$; ROLLBACK; CREATE TABLE pwned AS SELECT 1; --'",
                "EXPLAIN SELECT E'\\''; ROLLBACK; CREATE TABLE pwned AS SELECT 1; --'",
                "EXPLAIN SELECT $$\"$$; ROLLBACK; CREATE TABLE pwned AS SELECT 1; --\"",
                "explain analyze select $$'$$; rollback; create table pwned as select 1; --'",
                "DESCRIBE SELECT $$'$$; ROLLBACK; CREATE TABLE pwned AS SELECT 1; --'",
                "SUMMARIZE SELECT $$'$$; ROLLBACK; CREATE TABLE pwned AS SELECT 1; --'",
                "SELECT $$'$$; ROLLBACK; CREATE TABLE pwned AS SELECT 1; --'",
                "SELECT 1 /* '*/; ROLLBACK; CREATE TABLE pwned AS SELECT 1; -- */");
        harmlessAndRefused(
                attacks, attack -> assertThat(tablesNamed("pwned")).as(attack).isZero());
    }

    // Finding 2: COPY ... TO wrote a file in the lake, the one folder the engine may touch.
    @Test
    void copy_to_a_file_in_the_lake_is_refused_and_writes_nothing() throws Exception {
        Path lake = warehouse.lake();
        String target = lake.resolve("leak.csv").toString();
        List<String> attacks = List.of(
                "COPY (SELECT 42 AS leak) TO '" + target + "'",
                "EXPLAIN SELECT $$--$$; COPY (SELECT 42 AS leak) TO '" + target + "'",
                "EXPLAIN SELECT $$'$$; COPY (SELECT 42 AS leak) TO '" + target + "'; --'",
                "EXPORT DATABASE '" + lake.resolve("export") + "'");
        harmlessAndRefused(attacks, attack -> {
            assertThat(Files.exists(Path.of(target))).as(attack).isFalse();
            assertThat(Files.exists(lake.resolve("export"))).as(attack).isFalse();
        });
    }

    @Test
    void a_select_that_calls_a_writing_or_unsafe_function_is_refused() throws Exception {
        for (String sql : List.of(
                "SELECT * FROM checkpoint()",
                "SELECT * FROM force_checkpoint()",
                "FROM main.checkpoint()",
                "SELECT * FROM \"CheckPoint\"()",
                // The lexer never looked inside strings: query() ran what it could not see.
                "SELECT * FROM query('SELECT * FROM checkpoint()')",
                "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))",
                "SELECT * FROM truncate_duckdb_logs()",
                "SELECT * FROM duckdb_secrets()",
                "SELECT * FROM arrow_scan(0, 0, 0)",
                "SELECT * FROM range(3) WHERE (SELECT count(*) FROM checkpoint()) = 0",
                "WITH x AS (FROM force_checkpoint()) SELECT 1",
                "SELECT setseed(0.5)",
                "SELECT nextval('s')")) {
            refused(sql, "calls ");
        }
    }

    @Test
    void every_other_kind_of_statement_is_a_400_naming_the_fault() throws Exception {
        Path lake = warehouse.lake();
        Map<String, String> refusals = Map.ofEntries(
                Map.entry("PRAGMA threads = 64", "settings"),
                Map.entry("SET memory_limit = '100GB'", "settings"),
                Map.entry("RESET threads", "settings"),
                Map.entry("CALL pragma_version()", "settings"),
                Map.entry("ATTACH '" + lake.resolve("x.duckdb") + "' AS x", "databases"),
                Map.entry("DETACH warehouse", "databases"),
                Map.entry("USE memory", "databases"),
                Map.entry("INSTALL httpfs", "extensions"),
                Map.entry("LOAD parquet", "extensions"),
                Map.entry("FORCE INSTALL httpfs", "extensions"),
                Map.entry("CHECKPOINT", "writes"),
                Map.entry("VACUUM", "writes"),
                Map.entry("CREATE MACRO twice(x) AS x * 2", "writes"),
                Map.entry("CREATE TEMP TABLE t AS SELECT 1", "writes"),
                Map.entry("PREPARE p AS SELECT 1", "inline"),
                Map.entry("EXECUTE p", "inline"),
                Map.entry("IMPORT DATABASE '" + lake + "'", "files"),
                Map.entry("EXPORT DATABASE '" + lake.resolve("dump") + "'", "files"),
                Map.entry("BEGIN TRANSACTION", "transactions"),
                Map.entry("ROLLBACK", "transactions"),
                Map.entry("UPDATE dim_order SET status = 'x'", "writes"),
                Map.entry("SELECT 1; SELECT 2", "several statements"),
                Map.entry("SELECT E'\\''; SELECT 2; --'", "several statements"),
                Map.entry("SELECT $a$ $b$ ; $b$ $a$; SELECT 2", "several statements"),
                Map.entry("SELECT 1 -- ; DROP TABLE dim_order\n; SELECT 2", "several statements"),
                Map.entry("SELECT /* ; */ 1; /* */ SELECT 2", "several statements"),
                Map.entry(";", "no statement"),
                Map.entry("-- nothing", "no statement"),
                Map.entry("EXPLAIN EXPLAIN SELECT 1", "not a read-only query"),
                Map.entry("EXPLAIN DELETE FROM dim_order", "writes"),
                Map.entry("SELECT ? AS x", "parameters"),
                Map.entry("SELECT getenv('HOME')", "getenv"),
                Map.entry("SELECT current_setting('s3_secret_access_key')", "s3_secret_access_key"),
                Map.entry("SELECT * FROM glob('/etc/*')", "outside the lake"),
                Map.entry("SELECT * FROM read_blob('" + lake + "/../../../etc/passwd')", "outside the lake"),
                Map.entry("SELECT x FROM range(3) t(x) WHERE x = (SELECT 1 UNION ALL SELECT 2)", "failed"),
                Map.entry("SELECT " + "abs(".repeat(2000) + "1" + ")".repeat(2000), "cannot be parsed"),
                Map.entry("SELECT '" + "x".repeat(SqlGuard.MAX_LENGTH) + "'", "longer than"));
        refusals.forEach(this::refused);
        assertThat(tablesNamed("t")).isZero();
        assertThat(Files.exists(lake.resolve("x.duckdb"))).isFalse();
        assertThat(Files.exists(lake.resolve("dump"))).isFalse();
    }

    @Test
    void reads_explains_and_catalog_views_still_run() {
        warehouse.execute("INSERT INTO dim_merchant VALUES ('m1', TIMESTAMP '2026-11-10 09:00:00')");
        assertThat(runner.run("EXPLAIN SELECT * FROM dim_merchant").rows()).isNotEmpty();
        assertThat(runner.run("EXPLAIN ANALYZE SELECT count(*) FROM dim_merchant")
                        .rows())
                .isNotEmpty();
        assertThat(runner.run("DESCRIBE dim_merchant").rows()).hasSize(2);
        assertThat(runner.run("SUMMARIZE dim_merchant").rows()).hasSize(2);
        assertThat(runner.run("SHOW TABLES").rows()).isNotEmpty();
        assertThat(runner.run("FROM dim_merchant SELECT merchant").rows()).containsExactly(List.of("m1"));
        assertThat(runner.run("TABLE dim_merchant").rows()).hasSize(1);
        assertThat(runner.run("VALUES (1, 'a'), (2, 'b')").rows()).hasSize(2);
        assertThat(runner.run("SELECT table_name FROM duckdb_tables() WHERE table_name = 'dim_merchant'")
                        .rows())
                .containsExactly(List.of("dim_merchant"));
        assertThat(runner.run("SELECT $$it's; a \"string\"$$ AS s -- with a comment;")
                        .rows())
                .containsExactly(List.of("it's; a \"string\""));
        assertThat(runner.run("PIVOT (VALUES ('a', 1), ('b', 2)) t(k, v) ON k IN ('a', 'b') USING sum(v)")
                        .rows())
                .containsExactly(List.of("1", "2"));
    }

    @Test
    void the_lake_can_be_read_but_not_written() throws Exception {
        Path day = warehouse.lake().resolve("event_date=2026-11-10");
        Files.createDirectories(day);
        Files.writeString(day.resolve("note.csv"), "a,b\n1,2\n");
        assertThat(runner.run("SELECT a, b FROM read_csv('" + day.resolve("note.csv") + "')")
                        .rows())
                .containsExactly(List.of(1L, 2L));
        assertThat(runner.run("SELECT count(*) FROM glob('" + warehouse.lake() + "/**')")
                        .rows())
                .containsExactly(List.of(1L));
    }

    // The layers under the check, each on its own: what if a statement got past it?

    @Test
    void a_write_that_got_past_the_check_fails_in_the_read_only_transaction() throws Exception {
        // EXPLAIN ANALYZE runs its statement: the runner's transaction is all that stands in the way.
        assertThatThrownBy(() -> runner.run(new SqlGuard.Checked("CREATE TABLE pwned AS SELECT 1", "EXPLAIN ANALYZE ")))
                .isInstanceOf(InvalidInput.class)
                .hasMessageContaining("read-only");
        assertThat(tablesNamed("pwned")).isZero();
    }

    static void execute(Connection c, String sql) throws SQLException {
        // The driver closes a statement that failed: one statement each.
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void no_connection_can_lift_the_limits_or_reach_files_outside_the_lake() throws Exception {
        try (Connection c = warehouse.connection()) {
            for (String change : List.of(
                    "SET memory_limit = '100GB'",
                    "SET threads = 64",
                    "RESET memory_limit",
                    "PRAGMA threads = 64",
                    "SET lock_configuration = false",
                    "SET enable_external_access = true",
                    "SET allowed_directories = ['/']",
                    "SET max_temp_directory_size = '1TB'")) {
                assertThatThrownBy(() -> execute(c, change)).as(change).hasMessageContaining("locked");
            }
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT current_setting('threads'), current_setting('memory_limit'),"
                            + " current_setting('enable_external_access')")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(Warehouse.Limits.DEFAULT.threads());
                assertThat(rs.getString(2)).isEqualTo("2.0 GiB");
                assertThat(rs.getBoolean(3)).isFalse();
            }
            Path outside = dir.resolve("outside.csv");
            assertThatThrownBy(() -> execute(c, "COPY (SELECT 1) TO '" + outside + "'"))
                    .hasMessageContaining("disabled by configuration");
            assertThatThrownBy(() -> execute(c, "ATTACH '" + dir.resolve("other.duckdb") + "' AS other"))
                    .hasMessageContaining("disabled by configuration");
            assertThat(Files.exists(outside)).isFalse();
            assertThat(Files.exists(dir.resolve("other.duckdb"))).isFalse();
        }
    }

    @Test
    void the_row_limit_stops_the_engine_instead_of_computing_the_whole_result() {
        // Ten billion rows scan for minutes: the answer within the timeout shows the engine stopped early.
        SqlRunner quick = new SqlRunner(warehouse, canceller, Duration.ofSeconds(5), 100);
        SqlResult t = quick.run("SELECT range AS n FROM range(10000000000) WHERE range % 1000 = 0");
        assertThat(t.rows()).hasSize(100);
        assertThat(t.rows().get(99)).containsExactly(99_000L);
        assertThat(t.truncated()).isTrue();
    }

    @Test
    void a_result_too_large_to_hold_is_refused_before_it_reaches_the_server() {
        for (String sql : List.of(
                "SELECT repeat('x', 100000) AS big FROM range(10)",
                "SELECT repeat('x', 40000) AS a, repeat('y', 40000) AS b",
                "SELECT [repeat('x', 70000)] AS nested",
                "SELECT repeat('x', 70000)::BLOB AS b")) {
            assertThatThrownBy(() -> runner.run(sql))
                    .as(sql)
                    .isInstanceOf(InvalidInput.class)
                    .hasMessageContaining("more than " + SqlRunner.MAX_ROW_BYTES + " bytes");
        }
        assertThat(runner.run("SELECT repeat('x', 60000) AS fits").rows()).hasSize(1);
    }
}
