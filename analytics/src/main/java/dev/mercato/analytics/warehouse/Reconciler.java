package dev.mercato.analytics.warehouse;

import dev.mercato.analytics.Reconciliation;
import dev.mercato.orders.DailyTotal;
import dev.mercato.orders.Orders;
import dev.mercato.payments.CapturedTotal;
import dev.mercato.payments.Payments;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Compares daily totals per merchant in the warehouse with the orders' and payments' sources of truth:
 * orders placed and their totals per placement day, and the captured amount of the payments authorized
 * each day. A drifted day is repaired by loading it again from the lake (for captured amounts, the days
 * after too, where the captures happened); what still differs then is reported as remaining, and the lake
 * consumer is asked to re-read the log, which refills lake files that were lost.
 */
public final class Reconciler {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Reconciler.class);

    private static final String WAREHOUSE_ORDERS = """
            SELECT merchant, date_key, currency, count(*) AS n, sum(order_total) AS total
            FROM (SELECT DISTINCT order_id, merchant, date_key, currency, order_total FROM fact_order_line
                  WHERE date_key BETWEEN ? AND ?)
            GROUP BY ALL
            """;
    private static final String WAREHOUSE_CAPTURED = """
            SELECT c.merchant, a.date_key, c.currency, count(*) AS n, sum(c.amount) AS total
            FROM (SELECT DISTINCT payment_id, merchant, currency, amount FROM fact_payment WHERE kind = 'captured') c
            JOIN (SELECT payment_id, min(date_key) AS date_key FROM fact_payment WHERE kind = 'authorized'
                  GROUP BY payment_id) a ON a.payment_id = c.payment_id
            WHERE a.date_key BETWEEN ? AND ?
            GROUP BY ALL
            """;

    private final Warehouse warehouse;
    private final Orders orders;
    private final Payments payments;
    private final Runnable rereadLog;
    private final Clock clock;
    private final int days;

    public Reconciler(
            Warehouse warehouse, Orders orders, Payments payments, Runnable rereadLog, Clock clock, int days) {
        this.warehouse = warehouse;
        this.orders = orders;
        this.payments = payments;
        this.rereadLog = rereadLog;
        this.clock = clock;
        this.days = days;
    }

    private record Cell(String merchant, LocalDate date, String metric) {}

    public synchronized Reconciliation run() {
        Instant started = clock.instant();
        LocalDate to = LocalDate.ofInstant(started, ZoneOffset.UTC);
        LocalDate from = to.minusDays(days - 1L);
        warehouse.refresh();
        Map<Cell, BigDecimal> source = source(from, to);
        Map<Cell, BigDecimal> before = warehouse(from, to);
        List<Cell> drifted = differing(source, before);
        Map<Cell, BigDecimal> after = before;
        if (!drifted.isEmpty()) {
            TreeSet<LocalDate> dates = new TreeSet<>();
            for (Cell c : drifted) {
                dates.add(c.date());
                if (c.metric().startsWith("captured")) {
                    // A capture lands on the day it happened, on or after the authorization's day.
                    for (LocalDate d = c.date().plusDays(1); !d.isAfter(to); d = d.plusDays(1)) {
                        dates.add(d);
                    }
                }
            }
            dates.forEach(warehouse::reloadDate);
            after = warehouse(from, to);
        }
        List<Reconciliation.Drift> drift = new ArrayList<>();
        int remaining = 0;
        for (Cell c : drifted) {
            BigDecimal s = source.getOrDefault(c, BigDecimal.ZERO);
            boolean repaired = after.getOrDefault(c, BigDecimal.ZERO).compareTo(s) == 0;
            if (!repaired) {
                remaining++;
            }
            drift.add(new Reconciliation.Drift(
                    c.merchant(), c.date(), c.metric(), before.getOrDefault(c, BigDecimal.ZERO), s, repaired));
        }
        if (remaining > 0) {
            try {
                rereadLog.run();
            } catch (RuntimeException e) {
                log.warn("reconciliation could not ask the lake to re-read the log: {}", e.toString());
            }
        }
        int checked = union(source, before);
        Reconciliation run = new Reconciliation(
                nextRun(),
                started,
                clock.instant(),
                checked,
                drifted.size(),
                drifted.size() - remaining,
                remaining,
                drift);
        record(run);
        return run;
    }

    private static int union(Map<Cell, BigDecimal> a, Map<Cell, BigDecimal> b) {
        java.util.Set<Cell> all = new java.util.HashSet<>(a.keySet());
        all.addAll(b.keySet());
        return all.size();
    }

    private static List<Cell> differing(Map<Cell, BigDecimal> source, Map<Cell, BigDecimal> warehouse) {
        java.util.Set<Cell> all = new java.util.TreeSet<>(java.util.Comparator.comparing(Cell::date)
                .thenComparing(Cell::merchant)
                .thenComparing(Cell::metric));
        all.addAll(source.keySet());
        all.addAll(warehouse.keySet());
        List<Cell> out = new ArrayList<>();
        for (Cell c : all) {
            if (source.getOrDefault(c, BigDecimal.ZERO).compareTo(warehouse.getOrDefault(c, BigDecimal.ZERO)) != 0) {
                out.add(c);
            }
        }
        return out;
    }

    private Map<Cell, BigDecimal> source(LocalDate from, LocalDate to) {
        Map<Cell, BigDecimal> cells = new HashMap<>();
        for (DailyTotal t : orders.dailyTotals(from, to)) {
            cells.put(
                    new Cell(t.merchant().value(), t.date(), "orders/" + t.currency()), BigDecimal.valueOf(t.orders()));
            cells.put(new Cell(t.merchant().value(), t.date(), "revenue/" + t.currency()), t.total());
        }
        for (CapturedTotal t : payments.capturedTotals(from, to)) {
            cells.put(new Cell(t.merchant().value(), t.date(), "captured/" + t.currency()), t.captured());
        }
        return cells;
    }

    private Map<Cell, BigDecimal> warehouse(LocalDate from, LocalDate to) {
        Map<Cell, BigDecimal> cells = new HashMap<>();
        try (Connection c = warehouse.connection()) {
            read(c, WAREHOUSE_ORDERS, from, to, (m, d, cur, n, total) -> {
                cells.put(new Cell(m, d, "orders/" + cur), BigDecimal.valueOf(n));
                cells.put(new Cell(m, d, "revenue/" + cur), total);
            });
            read(
                    c,
                    WAREHOUSE_CAPTURED,
                    from,
                    to,
                    (m, d, cur, n, total) -> cells.put(new Cell(m, d, "captured/" + cur), total));
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the warehouse's daily totals: " + e.getMessage(), e);
        }
        return cells;
    }

    private interface TotalRow {
        void accept(String merchant, LocalDate date, String currency, long n, BigDecimal total);
    }

    private static void read(Connection c, String sql, LocalDate from, LocalDate to, TotalRow row) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setObject(1, from);
            p.setObject(2, to);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    row.accept(
                            rs.getString(1),
                            rs.getObject(2, LocalDate.class),
                            rs.getString(3),
                            rs.getLong(4),
                            rs.getBigDecimal(5));
                }
            }
        }
    }

    private long nextRun() {
        try (Connection c = warehouse.connection();
                PreparedStatement p = c.prepareStatement("SELECT coalesce(max(run_id), 0) + 1 FROM recon_run");
                ResultSet rs = p.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void record(Reconciliation run) {
        try (Connection c = warehouse.connection()) {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO recon_run VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                p.setLong(1, run.run());
                p.setTimestamp(2, Timestamp.from(run.startedAt()));
                p.setTimestamp(3, Timestamp.from(run.finishedAt()));
                p.setInt(4, run.checked());
                p.setInt(5, run.drifted());
                p.setInt(6, run.repaired());
                p.setInt(7, run.remaining());
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO recon_drift VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (Reconciliation.Drift d : run.drift()) {
                    p.setLong(1, run.run());
                    p.setString(2, d.merchant());
                    p.setObject(3, d.date());
                    p.setString(4, d.metric());
                    p.setBigDecimal(5, d.warehouse());
                    p.setBigDecimal(6, d.source());
                    p.setBoolean(7, d.repaired());
                    p.addBatch();
                }
                p.executeBatch();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot record the reconciliation: " + e.getMessage(), e);
        }
    }

    /** The last run recorded, with its drift. */
    public Optional<Reconciliation> last() {
        try (Connection c = warehouse.connection()) {
            Reconciliation head;
            try (PreparedStatement p = c.prepareStatement(
                            "SELECT run_id, started_at, finished_at, checked, drifted, repaired, remaining"
                                    + " FROM recon_run ORDER BY run_id DESC LIMIT 1");
                    ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                head = new Reconciliation(
                        rs.getLong(1),
                        rs.getTimestamp(2).toInstant(),
                        rs.getTimestamp(3).toInstant(),
                        rs.getInt(4),
                        rs.getInt(5),
                        rs.getInt(6),
                        rs.getInt(7),
                        List.of());
            }
            List<Reconciliation.Drift> drift = new ArrayList<>();
            try (PreparedStatement p =
                    c.prepareStatement("SELECT merchant, date_key, metric, warehouse, source, repaired FROM recon_drift"
                            + " WHERE run_id = ? ORDER BY date_key, merchant, metric")) {
                p.setLong(1, head.run());
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        drift.add(new Reconciliation.Drift(
                                rs.getString(1),
                                rs.getObject(2, LocalDate.class),
                                rs.getString(3),
                                rs.getBigDecimal(4),
                                rs.getBigDecimal(5),
                                rs.getBoolean(6)));
                    }
                }
            }
            return Optional.of(new Reconciliation(
                    head.run(),
                    head.startedAt(),
                    head.finishedAt(),
                    head.checked(),
                    head.drifted(),
                    head.repaired(),
                    head.remaining(),
                    drift));
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the reconciliation: " + e.getMessage(), e);
        }
    }
}
