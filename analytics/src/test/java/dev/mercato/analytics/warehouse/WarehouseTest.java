package dev.mercato.analytics.warehouse;

import static dev.mercato.analytics.TestEvents.cartCreated;
import static dev.mercato.analytics.TestEvents.checkoutStarted;
import static dev.mercato.analytics.TestEvents.customer;
import static dev.mercato.analytics.TestEvents.lineChanged;
import static dev.mercato.analytics.TestEvents.orderPlaced;
import static dev.mercato.analytics.TestEvents.payment;
import static dev.mercato.analytics.TestEvents.product;
import static dev.mercato.analytics.TestEvents.statusChanged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.analytics.SqlResult;
import dev.mercato.analytics.Table;
import dev.mercato.analytics.lake.LakeWriter;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.Unavailable;
import dev.mercato.plane.consume.LogPartition;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class WarehouseTest {

    static final Instant DAY1 = Instant.parse("2026-11-10T09:00:00Z");
    static final Instant DAY2 = Instant.parse("2026-11-11T09:00:00Z");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    LakeWriter writer;
    Warehouse warehouse;
    ScheduledExecutorService canceller;
    long offset;

    @BeforeEach
    void open() {
        writer = LakeWriter.open(dir.resolve("lake"));
        warehouse = Warehouse.open(dir.resolve("warehouse.duckdb"), dir.resolve("lake"), CLOCK);
        canceller = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void close() {
        canceller.shutdownNow();
        warehouse.close();
        writer.close();
    }

    /** Writes the events as one batch of partition 0 of {@code topic}; returns the offset range's start. */
    long write(String topic, List<Event> events) {
        long from = offset;
        List<LakeWriter.Entry> entries = new ArrayList<>();
        for (Event e : events) {
            entries.add(new LakeWriter.Entry(new LogPartition(topic, 0), offset++, e.key(), e));
        }
        writer.write(new LogPartition(topic, 0), entries, from, offset - 1);
        return from;
    }

    List<Event> shop() {
        return List.of(
                customer("ada", "DE", 1, DAY1),
                customer("bob", "FR", 1, DAY1),
                // Ada moved: the newest version wins.
                customer("bob", "IT", 2, DAY1.plusSeconds(5)),
                product("m1", "MUG", "kitchen", 1, DAY1),
                product("m1", "LAMP", "lighting", 1, DAY1),
                cartCreated("m1", "k1", DAY1),
                lineChanged("m1", "k1", "MUG", 2, 0, 2, DAY1),
                checkoutStarted("m1", "o1", "k1", DAY1),
                orderPlaced(
                        "m1",
                        "o1",
                        "ada",
                        "k1",
                        "DE",
                        DAY1,
                        "MUG",
                        "kitchen",
                        2,
                        "9.90",
                        "LAMP",
                        "lighting",
                        1,
                        "30.00"),
                payment("authorized", "m1", "o1", "49.80", 1, DAY1),
                cartCreated("m1", "k2", DAY1),
                lineChanged("m1", "k2", "LAMP", 1, 0, 2, DAY1),
                checkoutStarted("m1", "o2", "k2", DAY1),
                orderPlaced("m1", "o2", "bob", "k2", "FR", DAY1, "LAMP", "lighting", 1, "30.00"),
                payment("authorized", "m1", "o2", "30.00", 1, DAY1),
                cartCreated("m1", "k3", DAY1),
                // o2 is cancelled: no revenue. o1 ships and is captured the day after.
                statusChanged("m1", "o2", "placed", "cancelled", 2, DAY2),
                payment("voided", "m1", "o2", "30.00", 2, DAY2),
                statusChanged("m1", "o1", "placed", "picking", 2, DAY2),
                payment("captured", "m1", "o1", "49.80", 2, DAY2),
                orderPlaced("m2", "o3", "ada", "k9", "DE", DAY2, "TEA", "kitchen", 3, "4.00"));
    }

    static long count(Warehouse w, String sql) throws Exception {
        try (Connection c = w.connection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    Table report(String name, Map<String, String> p) throws Exception {
        Reports reports = new Reports(CLOCK);
        try (Connection c = warehouse.connection()) {
            return reports.run(c, name, reports.normalize(name, p));
        }
    }

    @Test
    void a_refresh_loads_new_lake_files_once_and_an_event_in_two_files_counts_once() throws Exception {
        List<Event> events = shop();
        write("mercato.all", events);

        Warehouse.Refreshed first = warehouse.refresh();
        assertThat(first.events()).isEqualTo(events.size());
        assertThat(warehouse.refresh().files()).isZero();
        assertThat(count(warehouse, "SELECT count(*) FROM fact_order_line")).isEqualTo(4);
        assertThat(count(warehouse, "SELECT count(*) FROM fact_payment")).isEqualTo(4);
        assertThat(count(warehouse, "SELECT count(*) FROM fact_cart_event")).isEqualTo(10);
        assertThat(count(warehouse, "SELECT count(*) FROM dim_order WHERE status = 'cancelled'"))
                .isEqualTo(1);
        assertThat(count(warehouse, "SELECT count(*) FROM dim_customer WHERE customer_id = 'bob' AND country = 'IT'"))
                .isEqualTo(1);
        assertThat(count(warehouse, "SELECT count(*) FROM dim_product")).isEqualTo(2);
        assertThat(count(warehouse, "SELECT count(*) FROM dim_merchant")).isEqualTo(3);
        assertThat(count(warehouse, "SELECT count(*) FROM dim_date")).isEqualTo(2);

        // The same events again under another offset range (a re-read that a lost file name let through).
        write("mercato.all", events);
        assertThat(warehouse.refresh().files()).isPositive();
        assertThat(count(warehouse, "SELECT count(*) FROM fact_order_line")).isEqualTo(4);
        assertThat(count(warehouse, "SELECT count(*) FROM fact_cart_event")).isEqualTo(10);

        // Reopened, it remembers what it loaded.
        warehouse.close();
        warehouse = Warehouse.open(dir.resolve("warehouse.duckdb"), dir.resolve("lake"), CLOCK);
        assertThat(warehouse.refresh().files()).isZero();
        assertThat(warehouse.lastRefresh()).isPresent();
    }

    @Test
    void revenue_counts_orders_not_cancelled_nor_refunded_by_customer_country_and_category() throws Exception {
        write("mercato.all", shop());
        warehouse.refresh();

        Table revenue = report(Reports.REVENUE, Map.of("from", "2026-11-01", "to", "2026-11-30"));
        assertThat(revenue.rows())
                .extracting(r -> r.get("country") + "|" + r.get("category") + "|" + r.get("revenue") + "|"
                        + r.get("order_count"))
                .containsExactly("DE|kitchen|31.8|2", "DE|lighting|30|1");
        Table de = report(Reports.REVENUE, Map.of("from", "2026-11-11", "to", "2026-11-11", "country", "DE"));
        assertThat(de.rows()).extracting(r -> r.get("revenue")).containsExactly("12");
        assertThat(report(Reports.REVENUE, Map.of("from", "2026-11-01", "to", "2026-11-30", "country", "FR"))
                        .rows())
                .isEmpty();
    }

    @Test
    void the_funnel_follows_carts_created_in_the_period_and_daily_sales_show_captures() throws Exception {
        write("mercato.all", shop());
        warehouse.refresh();

        Table funnel = report(Reports.FUNNEL, Map.of("from", "2026-11-10", "to", "2026-11-10"));
        assertThat(funnel.rows())
                .extracting(r -> r.get("step") + "=" + r.get("carts"))
                .containsExactly("carts_created=3", "items_added=2", "checkout_started=2", "paid=2");

        Table daily = report(Reports.DAILY_SALES, Map.of("from", "2026-11-10", "to", "2026-11-11", "merchant", "m1"));
        assertThat(daily.rows())
                .extracting(
                        r -> r.get("date") + "|" + r.get("orders") + "|" + r.get("revenue") + "|" + r.get("captured"))
                .containsExactly("2026-11-10|1|49.8|0", "2026-11-11|0|0|49.8");
    }

    @Test
    void report_parameters_are_checked_and_an_unknown_report_lists_the_known_ones() {
        Reports reports = new Reports(CLOCK);
        assertThatThrownBy(() -> reports.normalize("top-secret", Map.of()))
                .isInstanceOf(NotFound.class)
                .hasMessageContaining(Reports.REVENUE)
                .hasMessageContaining(Reports.FUNNEL);
        assertThatThrownBy(() -> reports.normalize(Reports.REVENUE, Map.of("from", "yesterday")))
                .isInstanceOfSatisfying(
                        InvalidInput.class, e -> assertThat(e.field()).isEqualTo("from"));
        assertThatThrownBy(() -> reports.normalize(Reports.REVENUE, Map.of("from", "2026-11-02", "to", "2026-11-01")))
                .isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> reports.normalize(Reports.REVENUE, Map.of("colour", "red")))
                .isInstanceOfSatisfying(
                        InvalidInput.class, e -> assertThat(e.field()).isEqualTo("colour"));
        assertThat(reports.normalize(Reports.DAILY_SALES, Map.of()))
                .containsEntry("to", "2026-11-20")
                .containsEntry("from", "2026-10-21");
    }

    SqlRunner sql(Duration timeout, int limit) {
        return new SqlRunner(warehouse, canceller, timeout, limit);
    }

    @Test
    void read_only_sql_runs_with_a_row_limit() {
        write("mercato.all", shop());
        warehouse.refresh();

        SqlResult t = sql(Duration.ofSeconds(10), 2).run("SELECT order_id FROM dim_order ORDER BY order_id;");
        assertThat(t.columns()).containsExactly(new SqlResult.Column("order_id", "VARCHAR"));
        assertThat(t.rows()).containsExactly(List.of("o1"), List.of("o2"));
        assertThat(t.truncated()).isTrue();
        SqlResult all = sql(Duration.ofSeconds(10), 10)
                .run("WITH x AS (SELECT count(*) AS n FROM fact_order_line) SELECT n, 'a;b' AS s FROM x");
        assertThat(all.rows()).containsExactly(List.of(4L, "a;b"));
        assertThat(all.truncated()).isFalse();
    }

    @Test
    void sql_results_keep_every_column_in_order_and_render_every_type_as_json() {
        SqlResult t = sql(Duration.ofSeconds(10), 10).run("""
                        SELECT 1 AS a, 2 AS a, '\\xDE\\xAD\\x00'::BLOB AS b,
                               170141183460469231731687303715884105727::HUGEINT AS h, 12.50::DECIMAL(18, 4) AS d,
                               INTERVAL '1 year 2 days 3 seconds' AS i, [1, NULL, 3] AS l,
                               {'x': 1.5::DECIMAL(4, 1), 'y': ['\\x01'::BLOB]} AS s, MAP {2: 'two'} AS m,
                               '1b4e28ba-2fa1-11d2-883f-0016d3cca427'::UUID AS u,
                               TIMESTAMPTZ '2026-11-10 10:00:00.5+01' AS tz, TIMESTAMP '2026-11-10 09:00:00' AS ts,
                               [TIMESTAMP '2026-11-10 09:00:00.25', TIMESTAMP 'infinity'] AS tl,
                               [DATE '2026-11-10', DATE '-infinity'] AS dl, TIME '24:00:00' AS midnight,
                               'NaN'::DOUBLE AS nan, 'inf'::DOUBLE AS inf, '-inf'::FLOAT AS ninf, 2.5::DOUBLE AS half
                        """);
        assertThat(t.columns())
                .extracting(SqlResult.Column::name)
                .containsExactly(
                        "a",
                        "a",
                        "b",
                        "h",
                        "d",
                        "i",
                        "l",
                        "s",
                        "m",
                        "u",
                        "tz",
                        "ts",
                        "tl",
                        "dl",
                        "midnight",
                        "nan",
                        "inf",
                        "ninf",
                        "half");
        assertThat(t.columns().get(2).type()).isEqualTo("BLOB");
        assertThat(t.columns().get(4).type()).isEqualTo("DECIMAL(18,4)");
        Map<String, Object> struct = new LinkedHashMap<>();
        struct.put("x", "1.5");
        struct.put("y", List.of("AQ=="));
        assertThat(t.rows().get(0))
                .containsExactly(
                        1,
                        2,
                        "3q0A",
                        "170141183460469231731687303715884105727",
                        "12.5",
                        "1 year 2 days 00:00:03",
                        Arrays.asList(1, null, 3),
                        struct,
                        Map.of("2", "two"),
                        "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
                        "2026-11-10 09:00:00.5+00",
                        "2026-11-10 09:00:00",
                        List.of("2026-11-10 09:00:00.25", "infinity"),
                        List.of("2026-11-10", "-infinity"),
                        "24:00:00",
                        "NaN",
                        "Infinity",
                        "-Infinity",
                        2.5);
        // What the endpoint sends is JSON any parser reads, with the same values.
        JsonNode json = EventJson.tree(EventJson.write(t));
        assertThat(json.get("rows").get(0).get(3).asString()).isEqualTo("170141183460469231731687303715884105727");
        assertThat(json.get("columns").get(1).get("name").asString()).isEqualTo("a");
    }

    @Test
    void every_type_duckdb_has_renders_as_json() {
        SqlResult t = sql(Duration.ofSeconds(10), 10).run("SELECT * FROM test_all_types()");
        assertThat(t.rows()).hasSize(3);
        assertThat(t.columns()).hasSizeGreaterThan(50);
        JsonNode json = EventJson.tree(EventJson.write(t));
        assertThat(json.get("rows")).hasSize(3);
        // DuckDB's own text for what Java cannot hold exactly.
        int time = t.columns().indexOf(new SqlResult.Column("time", "TIME"));
        int date = t.columns().indexOf(new SqlResult.Column("date", "DATE"));
        assertThat(t.rows().get(1).get(time)).isEqualTo("24:00:00");
        assertThat(t.rows().get(1).get(date)).isEqualTo("5881580-07-10");
    }

    @Test
    void sql_that_writes_or_reaches_outside_the_warehouse_is_refused_saying_why() {
        SqlRunner runner = sql(Duration.ofSeconds(10), 10);
        Map<String, String> refusals = Map.ofEntries(
                Map.entry("DELETE FROM dim_order", "writes"),
                Map.entry("INSERT INTO dim_merchant VALUES ('x', now())", "writes"),
                Map.entry("DROP TABLE fact_order_line", "writes"),
                Map.entry("COPY dim_order TO '/tmp/x.csv'", "files"),
                Map.entry("ATTACH '/tmp/other.duckdb' AS o", "databases"),
                Map.entry("INSTALL httpfs", "extensions"),
                Map.entry("LOAD httpfs", "extensions"),
                Map.entry("PRAGMA database_list", "settings"),
                Map.entry("SET enable_external_access = true", "settings"),
                Map.entry("SELECT 1; SELECT 2", "several statements"),
                Map.entry("SELECT 1; DROP TABLE dim_order", "not a read-only query"),
                Map.entry("WITH x AS (SELECT 1) DELETE FROM dim_order", "not a read-only query"),
                Map.entry("", "empty"),
                Map.entry("SELECT * FROM read_csv('/etc/passwd')", "outside the lake"),
                Map.entry("SELECT * FROM read_text('/etc/hostname')", "outside the lake"),
                Map.entry("SELEC 1", "cannot be parsed"));
        refusals.forEach((statement, why) -> assertThatThrownBy(() -> runner.run(statement))
                .as(statement)
                .isInstanceOfSatisfying(
                        InvalidInput.class, e -> assertThat(e.field()).isEqualTo("sql"))
                .hasMessageContaining(why));
        // Nothing was written.
        assertThat(runner.run("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'dim_order'")
                        .rows())
                .containsExactly(List.of(1L));
    }

    @Test
    void a_statement_that_runs_too_long_is_cancelled_as_a_query_timeout() {
        SqlRunner runner = sql(Duration.ofMillis(200), 10);
        assertThatThrownBy(() -> runner.run("SELECT count(*) FROM range(100000000000) a, range(1000) b"))
                .isInstanceOfSatisfying(
                        Unavailable.class, e -> assertThat(e.type()).isEqualTo("query-timeout"));
        // The connection pool is not poisoned: the next statement runs.
        assertThat(runner.run("SELECT 42 AS n").rows()).containsExactly(List.of(42));
    }

    @Test
    void reloading_a_date_puts_back_what_was_deleted_from_the_warehouse() throws Exception {
        write("mercato.all", shop());
        warehouse.refresh();
        warehouse.execute("DELETE FROM fact_order_line WHERE date_key = DATE '2026-11-10'");
        assertThat(count(warehouse, "SELECT count(*) FROM fact_order_line")).isEqualTo(1);

        warehouse.reloadDate(java.time.LocalDate.parse("2026-11-10"));

        assertThat(count(warehouse, "SELECT count(*) FROM fact_order_line")).isEqualTo(4);
        assertThat(count(warehouse, "SELECT count(*) FROM fact_payment")).isEqualTo(4);
    }
}
