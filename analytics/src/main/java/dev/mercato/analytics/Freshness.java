package dev.mercato.analytics;

import java.time.Instant;

/**
 * How far the warehouse is behind the log, in two parts: the lake consumer's lag (records not yet in a
 * Parquet file) and the lake files the warehouse has not loaded since its last refresh.
 *
 * @param lakeLagEvents records not yet in a file, or null while the lake consumer does not know (it holds no
 *     partitions yet or has not read the log end)
 * @param lakeLagMs age of the oldest of them, or null while unknown
 * @param lastRefresh when the warehouse last loaded from the lake, or null before the first refresh
 */
public record Freshness(Long lakeLagEvents, Long lakeLagMs, int unloadedFiles, Instant lastRefresh) {}
