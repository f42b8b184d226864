package dev.mercato.analytics.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How analytics runs.
 *
 * @param topics the topics the lake keeps: every capability's
 * @param flushEvery records buffered per partition (on average over those with records, or twice this in one)
 *     before every buffer is written as Parquet
 * @param flushInterval the longest a record waits in the buffer
 * @param compactAfter how old a lake file must be before compaction merges it with its neighbours
 * @param compactInterval how often compaction runs
 * @param compactTargetSize about how much input one merge reads at most, so how large a merged file grows
 * @param refreshInterval how often the warehouse loads new lake files
 * @param reconcileInterval how often the warehouse is reconciled with the sources of truth
 * @param reconcileDays how many days back (today included) reconciliation compares
 * @param sqlTimeout how long an admin's statement may run before it is cancelled
 * @param sqlRowLimit rows an admin's statement returns at most (the answer says it was truncated)
 * @param warehouseMemory DuckDB's memory limit for the whole warehouse (refresh and readers together)
 * @param warehouseThreads DuckDB's worker threads
 * @param warehouseSpill how much the warehouse may spill to its temporary folder
 */
@ConfigurationProperties("mercato.analytics")
public record AnalyticsSettings(
        @DefaultValue({
            "mercato.catalog",
            "mercato.inventory",
            "mercato.cart",
            "mercato.orders",
            "mercato.payments",
            "mercato.customers"
        })
        List<String> topics,

        @DefaultValue("5000") int flushEvery,
        @DefaultValue("2s") Duration flushInterval,
        @DefaultValue("1m") Duration compactAfter,
        @DefaultValue("1m") Duration compactInterval,
        @DefaultValue("128MB") DataSize compactTargetSize,
        @DefaultValue("2s") Duration refreshInterval,
        @DefaultValue("1h") Duration reconcileInterval,
        @DefaultValue("31") int reconcileDays,
        @DefaultValue("10s") Duration sqlTimeout,
        @DefaultValue("1000") int sqlRowLimit,
        @DefaultValue("2GB") DataSize warehouseMemory,
        @DefaultValue("2") int warehouseThreads,
        @DefaultValue("4GB") DataSize warehouseSpill) {

    public AnalyticsSettings {
        topics = List.copyOf(Objects.requireNonNull(topics, "topics"));
        if (topics.isEmpty() || flushEvery < 1 || reconcileDays < 1 || sqlRowLimit < 1) {
            throw new IllegalArgumentException(
                    "analytics needs topics, and flushEvery, reconcileDays and sqlRowLimit of at least 1");
        }
        for (Duration d : List.of(flushInterval, compactInterval, refreshInterval, reconcileInterval, sqlTimeout)) {
            if (!d.isPositive()) {
                throw new IllegalArgumentException("analytics intervals and timeouts must be positive, got " + d);
            }
        }
        if (compactAfter.isNegative() || compactTargetSize.toBytes() < (1L << 20)) {
            throw new IllegalArgumentException("compact-after must not be negative and compact-target-size must be"
                    + " at least 1MB, got " + compactAfter + " and " + compactTargetSize);
        }
    }
}
