package dev.mercato.app.plane;

import dev.mercato.plane.Unavailable;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Which statements cost the database most, per capability: PostgreSQL's own accounting ({@code
 * pg_stat_statements}, preloaded by the embedded server; on a server of your own, preload it and let the admin
 * user read it, docs/operations.md). Each capability logs in as its own role, so the role says whose
 * statement it is. Served at {@code GET /api/v1/plane/statements} and as counters per capability.
 */
@Component
class TopStatements implements MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(TopStatements.class);
    private static final Duration MAX_AGE = Duration.ofSeconds(10);
    private static final String ROLE_PREFIX = "mercato_";

    /** One statement's totals since the statistics were last reset. */
    record TopStatement(
            String capability, long calls, double totalMillis, double meanMillis, long rows, String query) {}

    /** What each capability's statements cost in all: calls and execution time. */
    record Totals(long calls, double totalMillis) {}

    private final PostgresStores stores;
    private volatile boolean installed;
    private volatile Map<String, Totals> totals = Map.of();
    private volatile long totalsAt;

    TopStatements(PostgresStores stores) {
        this.stores = stores;
    }

    /** The {@code limit} statements with the most execution time, optionally of one capability. */
    List<TopStatement> top(int limit, String capability) {
        String sql = "SELECT r.rolname, s.calls, s.total_exec_time, s.mean_exec_time, s.rows, left(s.query, 2000)"
                + " FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid"
                + " WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " AND r.rolname LIKE 'mercato\\_%' AND (? = '' OR r.rolname = ?)"
                + " ORDER BY s.total_exec_time DESC LIMIT ?";
        try (Connection c = connection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, capability);
            ps.setString(2, capability.isEmpty() ? "" : PostgresStores.roleOf(capability));
            ps.setInt(3, limit);
            List<TopStatement> top = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    top.add(new TopStatement(
                            rs.getString(1).substring(ROLE_PREFIX.length()),
                            rs.getLong(2),
                            round(rs.getDouble(3)),
                            round(rs.getDouble(4)),
                            rs.getLong(5),
                            rs.getString(6)));
                }
            }
            return top;
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Per capability, calls and execution time of all its statements; cached for a few seconds. */
    Map<String, Totals> totals() {
        long now = System.nanoTime();
        if (now - totalsAt < MAX_AGE.toNanos()) {
            return totals;
        }
        Map<String, Totals> fresh = new HashMap<>();
        try (Connection c = connection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT r.rolname, sum(s.calls), sum(s.total_exec_time)"
                        + " FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid"
                        + " WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                        + " AND r.rolname LIKE 'mercato\\_%' GROUP BY r.rolname")) {
            while (rs.next()) {
                fresh.put(rs.getString(1).substring(ROLE_PREFIX.length()), new Totals(rs.getLong(2), rs.getDouble(3)));
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("pg_stat_statements not readable: {}", e.toString());
        }
        totals = Map.copyOf(fresh);
        totalsAt = now;
        return totals;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        // Every store opened by now: the capabilities open theirs while the context starts, before binders bind.
        for (String capability :
                stores.opened().stream().map(CapabilityStore::schema).toList()) {
            FunctionCounter.builder(
                            "mercato.db.statements.time",
                            this,
                            t -> t.totals()
                                            .getOrDefault(capability, new Totals(0, 0))
                                            .totalMillis()
                                    / 1000.0)
                    .description("Execution time of the capability's statements in PostgreSQL (pg_stat_statements)")
                    .baseUnit("seconds")
                    .tag("capability", capability)
                    .register(registry);
            FunctionCounter.builder(
                            "mercato.db.statements.calls",
                            this,
                            t -> t.totals()
                                    .getOrDefault(capability, new Totals(0, 0))
                                    .calls())
                    .description("Statements the capability ran in PostgreSQL (pg_stat_statements)")
                    .tag("capability", capability)
                    .register(registry);
        }
    }

    private Connection connection() throws SQLException {
        Connection c = stores.adminConnection();
        if (!installed) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                installed = true;
            } catch (SQLException e) {
                c.close();
                throw e;
            }
        }
        return c;
    }

    private static Unavailable unavailable(SQLException e) {
        return new Unavailable(
                "statements-unavailable",
                "PostgreSQL's statement statistics cannot be read (" + e.getMessage() + "). On a server of your own,"
                        + " set shared_preload_libraries = 'pg_stat_statements' and restart it, and give the admin"
                        + " user pg_read_all_stats (docs/operations.md, \"Slow statements\")",
                Duration.ofSeconds(60));
    }

    private static double round(double millis) {
        return Math.round(millis * 1000) / 1000.0;
    }
}
