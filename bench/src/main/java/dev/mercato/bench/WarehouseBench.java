package dev.mercato.bench;

import dev.mercato.analytics.generator.DataGenerator;
import dev.mercato.analytics.lake.LakeView;
import dev.mercato.analytics.warehouse.Reports;
import dev.mercato.analytics.warehouse.Warehouse;
import dev.mercato.plane.consume.LogPartition;
import dev.mercato.plane.consume.LogRecord;
import dev.mercato.plane.consume.LogSink;
import dev.mercato.plane.consume.LogSource;
import dev.mercato.plane.consume.LogSubscription;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.postgres.EmbeddedPostgres;
import dev.mercato.plane.postgres.EmbeddedPostgresSettings;
import dev.mercato.plane.postgres.PostgresStores;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The warehouse against the OLTP database on seed 000's revenue question ("revenue by country and category
 * for Q3, customers in Germany, completed orders"), over the same generated order lines: in DuckDB on the
 * star schema, and in embedded PostgreSQL on an OLTP-shaped schema (orders, order_items, products,
 * categories, customers with their primary keys and the indexes an OLTP store has). Both are filled by
 * the same integer formulas, so both must give the same answer, which the bench checks. Then lake
 * ingestion: generated events through the lake consumer's real code path (buffering, Parquet writing,
 * file naming) with the log replaced by a loop that hands it records.
 *
 * <p>Run: {@code ./mvnw -q -pl bench exec:java -Dexec.mainClass=dev.mercato.bench.WarehouseBench
 * -Dexec.args="10000000 1000000 5000"} (order lines, events to ingest, records per partition per flush;
 * a fourth argument {@code ingest-only} skips the queries).
 */
public final class WarehouseBench {

    /**
     * A log the bench hands records to itself: it keeps the sink a view subscribes with, and the bench calls
     * the sink as the consumer loop would (assignment, batches, revocation), so the view's own runtime and
     * store code run without a broker.
     */
    static final class FedLog implements LogSource {

        private volatile LogSink sink;

        @Override
        public LogSubscription subscribe(String group, List<String> topics, LogSink s) {
            sink = s;
            return () -> {};
        }

        @Override
        public Map<LogPartition, Long> endOffsets(Collection<String> topics) {
            return Map.of();
        }

        LogSink sink() {
            return sink;
        }
    }

    static final String COUNTRIES = "['DE','FR','IT','ES','NL','BE','AT','PL','SE','DK','PT','IE','FI','CZ','GB',"
            + "'US','NO','CH','HU','RO']";
    static final int CUSTOMERS = 200_000;
    static final int PRODUCTS = 50_000;
    static final int CATEGORIES = 25;
    static final LocalDate FROM = LocalDate.parse("2026-07-01");
    static final LocalDate TO = LocalDate.parse("2026-09-30");
    static final int RUNS = 5;

    public static void main(String[] args) throws Exception {
        long lines = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int flushEvery = args.length > 2 ? Integer.parseInt(args[2]) : 5_000;
        boolean skipQueries = args.length > 3 && args[3].equals("ingest-only");
        long orders = (lines + 2) / 3;
        Path folder = Files.createTempDirectory("mercato-warehouse-bench");
        System.out.printf(
                "%,d order lines in %,d orders, %,d customers, %,d products%n", lines, orders, CUSTOMERS, PRODUCTS);

        if (skipQueries) {
            ingest(folder.resolve("ingest-lake"), events, flushEvery);
            return;
        }
        Map<String, BigDecimal> duckAnswer;
        long[] duckMs;
        try (Warehouse w =
                Warehouse.open(folder.resolve("warehouse.duckdb"), folder.resolve("lake"), Clock.systemUTC())) {
            long t0 = System.nanoTime();
            fillStar(w, lines, orders);
            System.out.printf("DuckDB star schema filled in %,d ms%n", (System.nanoTime() - t0) / 1_000_000);
            duckMs = new long[RUNS];
            duckAnswer = null;
            for (int i = 0; i < RUNS; i++) {
                long s = System.nanoTime();
                try (Connection c = w.connection();
                        PreparedStatement p = c.prepareStatement(Reports.REVENUE_SQL)) {
                    p.setObject(1, FROM);
                    p.setObject(2, TO);
                    p.setString(3, "DE");
                    p.setString(4, "DE");
                    duckAnswer = answer(p.executeQuery(), "category");
                }
                duckMs[i] = (System.nanoTime() - s) / 1_000_000;
            }
            System.out.printf(
                    "DuckDB revenue query: %s ms (runs), median %d ms, %d groups%n",
                    Arrays.toString(duckMs), median(duckMs), duckAnswer.size());
        }

        Map<String, BigDecimal> pgAnswer;
        long[] pgMs;
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(EmbeddedPostgresSettings.of(folder.resolve("pg")));
                PostgresStores stores = new PostgresStores(
                        pg, "warehousebench", "bench-role-secret-0123456789", PostgresStores.PoolSettings.DEFAULT);
                Connection c = open(stores)) {
            long t0 = System.nanoTime();
            fillOltp(c, lines, orders);
            System.out.printf("PostgreSQL OLTP schema filled in %,d ms%n", (System.nanoTime() - t0) / 1_000_000);
            pgMs = new long[RUNS];
            pgAnswer = null;
            for (int i = 0; i < RUNS; i++) {
                long s = System.nanoTime();
                try (Statement st = c.createStatement()) {
                    pgAnswer = answer(st.executeQuery(SEED_QUERY), "category");
                }
                pgMs[i] = (System.nanoTime() - s) / 1_000_000;
            }
            System.out.printf(
                    "PostgreSQL revenue query: %s ms (runs), median %d ms, %d groups%n",
                    Arrays.toString(pgMs), median(pgMs), pgAnswer.size());
        }
        System.out.printf(
                "same answer: %s; PostgreSQL / DuckDB (medians): %.1fx%n",
                duckAnswer.equals(pgAnswer), (double) median(pgMs) / Math.max(1, median(duckMs)));

        ingest(folder.resolve("ingest-lake"), events, flushEvery);
    }

    /** The bench's database is created with its first store; the OLTP tables live in the admin's schema. */
    static Connection open(PostgresStores stores) throws java.sql.SQLException {
        stores.open("oltp");
        return stores.adminConnection();
    }

    static long median(long[] ms) {
        long[] sorted = ms.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static Map<String, BigDecimal> answer(ResultSet rs, String category) throws Exception {
        Map<String, BigDecimal> out = new TreeMap<>();
        try (rs) {
            while (rs.next()) {
                out.put(
                        rs.getString("country") + "|" + rs.getString(category),
                        rs.getBigDecimal("revenue").stripTrailingZeros());
            }
        }
        return out;
    }

    /**
     * Order {@code o} of {@code orders} is placed on day {@code o * 365 / orders} of 2026 (facts arrive in
     * time order, as the lake loads them), by customer {@code o * 7919 mod 200,000}; line {@code i} is order
     * {@code i / 3}'s, of product {@code i * 104,729 mod 50,000}. One order in 13 is cancelled, one in 17
     * refunded.
     */
    static void fillStar(Warehouse w, long lines, long orders) {
        w.execute("SET preserve_insertion_order = true");
        w.execute("INSERT INTO dim_customer SELECT 'c' || i, " + COUNTRIES + "[1 + i % 20], 1 FROM range(" + CUSTOMERS
                + ") t(i)");
        w.execute("INSERT INTO dim_product SELECT 'bench', 'S' || i, 'Product ' || i, 'category-' || (i % " + CATEGORIES
                + "), 'active', 1 FROM range(" + PRODUCTS + ") t(i)");
        w.execute("INSERT INTO dim_merchant VALUES ('bench', TIMESTAMP '2026-01-01')");
        w.execute("INSERT INTO dim_date SELECT d, year(d), quarter(d), month(d), day(d), isodow(d) FROM"
                + " (SELECT CAST(DATE '2026-01-01' + CAST(i AS INTEGER) AS DATE) AS d FROM range(365) t(i))");
        w.execute("INSERT INTO dim_order SELECT 'o' || o, 'bench', 'c' || (o * 7919 % " + CUSTOMERS + "),"
                + " CASE WHEN o % 13 = 0 THEN 'cancelled' WHEN o % 17 = 0 THEN 'refunded' ELSE 'delivered' END, 1,"
                + " TIMESTAMP '2026-01-01' + to_days(CAST(o * 365 // " + orders
                + " AS INTEGER)) + to_seconds(o % 86400),"
                + " DATE '2026-01-01' + CAST(o * 365 // " + orders + " AS INTEGER)"
                + " FROM range(" + orders + ") t(o)");
        w.execute("INSERT INTO fact_order_line SELECT 'e' || o, i % 3 + 1, 'o' || o, 'bench',"
                + " 'c' || (o * 7919 % " + CUSTOMERS + "), 'S' || sku, 'category-' || (sku % " + CATEGORIES + "),"
                + " CAST(1 + i % 5 AS INTEGER), CAST((sku * 37 % 10000 + 100) / 100.0 AS DECIMAL(18, 2)),"
                + " CAST((sku * 37 % 10000 + 100) / 100.0 AS DECIMAL(18, 2)) * (1 + i % 5), 'EUR', NULL,"
                + " " + COUNTRIES + "[1 + (o * 7919 % " + CUSTOMERS + ") % 20],"
                + " TIMESTAMP '2026-01-01' + to_days(CAST(o * 365 // " + orders
                + " AS INTEGER)) + to_seconds(o % 86400),"
                + " DATE '2026-01-01' + CAST(o * 365 // " + orders + " AS INTEGER)"
                + " FROM (SELECT i, i // 3 AS o, i * 104729 % " + PRODUCTS + " AS sku FROM range(" + lines + ") t(i))");
        w.execute("CHECKPOINT");
    }

    static final String SEED_QUERY = """
            SELECT c.country, cat.name AS category,
                   SUM(oi.unit_price * oi.quantity) AS revenue,
                   COUNT(DISTINCT o.order_id) AS order_count,
                   SUM(oi.unit_price * oi.quantity) / COUNT(DISTINCT o.order_id) AS avg_order_value
            FROM orders o
            JOIN order_items oi ON o.order_id = oi.order_id
            JOIN products p ON oi.sku_id = p.sku_id
            JOIN categories cat ON p.category_id = cat.category_id
            JOIN customers c ON o.customer_id = c.customer_id
            WHERE o.created_at >= '2026-07-01' AND o.created_at < '2026-10-01'
              AND c.country = 'DE'
              AND o.status NOT IN ('cancelled', 'refunded')
            GROUP BY c.country, cat.name
            ORDER BY revenue DESC
            """;

    static void fillOltp(Connection c, long lines, long orders) throws Exception {
        String countries = "ARRAY" + COUNTRIES;
        try (Statement s = c.createStatement()) {
            s.execute("SET synchronous_commit = off");
            s.execute("CREATE TABLE customers (customer_id text PRIMARY KEY, country text NOT NULL)");
            s.execute("CREATE TABLE categories (category_id integer PRIMARY KEY, name text NOT NULL)");
            s.execute("CREATE TABLE products (sku_id text PRIMARY KEY,"
                    + " category_id integer NOT NULL REFERENCES categories, price numeric(12, 2) NOT NULL)");
            s.execute("CREATE TABLE orders (order_id text PRIMARY KEY, customer_id text NOT NULL REFERENCES customers,"
                    + " status text NOT NULL, created_at timestamp NOT NULL)");
            s.execute("CREATE TABLE order_items (order_id text NOT NULL REFERENCES orders, line_no integer NOT NULL,"
                    + " sku_id text NOT NULL REFERENCES products, unit_price numeric(12, 2) NOT NULL,"
                    + " quantity integer NOT NULL, PRIMARY KEY (order_id, line_no))");
            s.execute("INSERT INTO customers SELECT 'c' || i, (" + countries + ")[1 + i % 20]"
                    + " FROM generate_series(0, " + (CUSTOMERS - 1) + ") i");
            s.execute("INSERT INTO categories SELECT i, 'category-' || i FROM generate_series(0, " + (CATEGORIES - 1)
                    + ") i");
            s.execute("INSERT INTO products SELECT 'S' || i, i % " + CATEGORIES + ", (i * 37 % 10000 + 100) / 100.0"
                    + " FROM generate_series(0, " + (PRODUCTS - 1) + ") i");
            s.execute("INSERT INTO orders SELECT 'o' || o, 'c' || (o * 7919 % " + CUSTOMERS + "),"
                    + " CASE WHEN o % 13 = 0 THEN 'cancelled' WHEN o % 17 = 0 THEN 'refunded' ELSE 'delivered' END,"
                    + " timestamp '2026-01-01' + make_interval(days => (o * 365 / " + orders + ")::int,"
                    + " secs => o % 86400) FROM generate_series(0::bigint, " + (orders - 1) + ") o");
            s.execute(
                    "INSERT INTO order_items SELECT 'o' || (i / 3), (i % 3 + 1)::int, 'S' || (i * 104729 % " + PRODUCTS
                            + "), ((i * 104729 % " + PRODUCTS + ") * 37 % 10000 + 100) / 100.0, (1 + i % 5)::int"
                            + " FROM generate_series(0::bigint, " + (lines - 1) + ") i");
            s.execute("CREATE INDEX orders_by_created_at ON orders (created_at)");
            s.execute("CREATE INDEX orders_by_customer ON orders (customer_id)");
            s.execute("VACUUM ANALYZE");
        }
    }

    /** Stops the generator once the bench has its events. */
    static final class Enough extends RuntimeException {
        Enough() {
            super("enough events", null, false, false);
        }
    }

    /** Lake ingestion through {@link LakeView}: records handed over in batches of 500, as a poll would. */
    static void ingest(Path lake, int count, int flushEvery) throws Exception {
        DataGenerator generator = new DataGenerator(42, 20_000, 5_000, 20);
        List<Event> all = new ArrayList<>(count);
        // A live stream at this rate holds millions of events a day, so a batch spans a day or two; months of
        // history squeezed into a million events would cut every batch into tiny per-day files instead.
        int perDay = 100_000;
        try {
            generator.events(LocalDate.parse("2026-01-01"), 12, perDay, e -> {
                if (all.size() == count) {
                    throw new Enough();
                }
                all.add(e);
            });
        } catch (Enough enough) {
            // The generator goes on for months; the bench needs only the first events.
        }
        int partitions = 4;
        List<List<LogRecord>> byPartition = new ArrayList<>();
        Map<Integer, Long> offsets = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            byPartition.add(new ArrayList<>());
        }
        for (Event e : all) {
            int p = Math.floorMod(e.key().hashCode(), partitions);
            long offset = offsets.merge(p, 1L, Long::sum) - 1;
            byPartition
                    .get(p)
                    .add(LogRecord.decoded(new LogPartition("mercato.bench", p), offset, e.time(), e.key(), e));
        }
        FedLog fed = new FedLog();
        LakeView view =
                new LakeView(lake, fed, List.of("mercato.bench"), flushEvery, Duration.ofSeconds(1), Clock.systemUTC());
        view.start();
        List<LogPartition> assigned = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            assigned.add(new LogPartition("mercato.bench", p));
        }
        fed.sink().assigned(assigned);
        long t0 = System.nanoTime();
        int batch = 500;
        int longest = byPartition.stream().mapToInt(List::size).max().orElse(0);
        for (int from = 0; from < longest; from += batch) {
            for (List<LogRecord> records : byPartition) {
                if (from < records.size()) {
                    fed.sink().accept(records.subList(from, Math.min(records.size(), from + batch)));
                }
            }
        }
        view.close();
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "lake ingestion: %,d events in %.2f s = %,.0f events/s, %,d Parquet files%n",
                all.size(), seconds, all.size() / seconds, view.filesWritten());
    }
}
