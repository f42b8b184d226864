package dev.mercato.analytics.config;

import dev.mercato.analytics.Analytics;
import dev.mercato.analytics.AnalyticsService;
import dev.mercato.analytics.lake.LakeView;
import dev.mercato.analytics.warehouse.Reconciler;
import dev.mercato.analytics.warehouse.Reports;
import dev.mercato.analytics.warehouse.SqlRunner;
import dev.mercato.analytics.warehouse.Warehouse;
import dev.mercato.orders.Orders;
import dev.mercato.payments.Payments;
import dev.mercato.plane.Periodic;
import dev.mercato.plane.consume.LogSource;
import dev.mercato.plane.store.DataFolder;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Analytics under the data folder ({@code analytics/}): the lake consumer (a standalone view the
 * composition root starts and closes with the others) and its periodic compaction, the warehouse beside it,
 * its periodic refresh and its periodic reconciliation with the sources of truth.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AnalyticsSettings.class)
class AnalyticsConfiguration {

    @Bean
    LakeView lakeView(DataFolder folder, LogSource log, AnalyticsSettings settings, Clock clock) {
        return new LakeView(
                folder.resolve("analytics").resolve("lake"),
                log,
                settings.topics(),
                settings.flushEvery(),
                settings.flushInterval(),
                new LakeView.Compaction(
                        settings.compactAfter(), settings.compactTargetSize().toBytes()),
                clock);
    }

    @Bean(destroyMethod = "close")
    Warehouse warehouse(DataFolder folder, AnalyticsSettings settings, Clock clock) {
        var dir = folder.resolve("analytics");
        return Warehouse.open(
                dir.resolve("warehouse.duckdb"),
                dir.resolve("lake"),
                clock,
                new Warehouse.Limits(
                        settings.warehouseMemory().toBytes(),
                        settings.warehouseThreads(),
                        settings.warehouseSpill().toBytes()));
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService analyticsQueryCanceller() {
        return Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("analytics-sql-timeout").daemon(true).factory());
    }

    @Bean
    Reconciler reconciler(
            Warehouse warehouse,
            Orders orders,
            Payments payments,
            LakeView lake,
            AnalyticsSettings settings,
            Clock clock) {
        return new Reconciler(warehouse, orders, payments, lake::rebuild, clock, settings.reconcileDays());
    }

    @Bean
    Analytics analytics(
            LakeView lake,
            Warehouse warehouse,
            Reconciler reconciler,
            ScheduledExecutorService analyticsQueryCanceller,
            AnalyticsSettings settings,
            Clock clock) {
        return new AnalyticsService(
                lake,
                warehouse,
                new Reports(clock),
                new SqlRunner(warehouse, analyticsQueryCanceller, settings.sqlTimeout(), settings.sqlRowLimit()),
                reconciler);
    }

    @Bean(destroyMethod = "close")
    Periodic warehouseRefresh(Warehouse warehouse, AnalyticsSettings settings) {
        return Periodic.start(
                "analytics-refresh",
                settings.refreshInterval(),
                settings.refreshInterval(),
                "lake files loaded into the warehouse",
                () -> warehouse.refresh().files());
    }

    @Bean(destroyMethod = "close")
    Periodic lakeCompaction(LakeView lake, AnalyticsSettings settings) {
        return Periodic.start(
                "analytics-compaction",
                settings.compactInterval(),
                settings.compactInterval(),
                "lake files merged away",
                () -> {
                    LakeView.Compacted c = lake.compact();
                    return c.deleted() - c.written();
                });
    }

    @Bean(destroyMethod = "close")
    Periodic warehouseReconciliation(Analytics analytics, AnalyticsSettings settings) {
        return Periodic.start(
                "analytics-reconciliation",
                settings.reconcileInterval(),
                settings.reconcileInterval(),
                "drifted warehouse totals found",
                () -> analytics.reconcile().drifted());
    }
}
