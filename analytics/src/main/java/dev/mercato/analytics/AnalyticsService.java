package dev.mercato.analytics;

import dev.mercato.analytics.lake.LakeView;
import dev.mercato.analytics.warehouse.Reconciler;
import dev.mercato.analytics.warehouse.Reports;
import dev.mercato.analytics.warehouse.SqlRunner;
import dev.mercato.analytics.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link Analytics} over the lake consumer, the warehouse and the sources of truth. */
public final class AnalyticsService implements Analytics {

    private final LakeView lake;
    private final Warehouse warehouse;
    private final Reports reports;
    private final SqlRunner sql;
    private final Reconciler reconciler;

    public AnalyticsService(LakeView lake, Warehouse warehouse, Reports reports, SqlRunner sql, Reconciler reconciler) {
        this.lake = lake;
        this.warehouse = warehouse;
        this.reports = reports;
        this.sql = sql;
        this.reconciler = reconciler;
    }

    @Override
    public List<String> reports() {
        return Reports.NAMES;
    }

    @Override
    public Report report(String name, Map<String, String> parameters) {
        Map<String, String> used = reports.normalize(name, parameters);
        Freshness freshness = freshness();
        try (Connection c = warehouse.connection()) {
            return new Report(name, used, reports.run(c, name, used), freshness);
        } catch (SQLException e) {
            throw new IllegalStateException("The report " + name + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public QueryResult sql(String statement) {
        Freshness freshness = freshness();
        long start = System.nanoTime();
        SqlResult result = sql.run(statement);
        return new QueryResult(result, (System.nanoTime() - start) / 1_000_000, freshness);
    }

    @Override
    public int refresh() {
        return warehouse.refresh().files();
    }

    @Override
    public Freshness freshness() {
        long events = lake.lagEvents();
        long millis = lake.lagMillis();
        return new Freshness(
                events < 0 ? null : events,
                millis < 0 ? null : millis,
                warehouse.pending().size(),
                warehouse.lastRefresh().orElse(null));
    }

    @Override
    public Reconciliation reconcile() {
        return reconciler.run();
    }

    @Override
    public Optional<Reconciliation> lastReconciliation() {
        return reconciler.last();
    }
}
