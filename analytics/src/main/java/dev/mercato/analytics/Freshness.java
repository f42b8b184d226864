package dev.mercato.analytics;

import java.time.Instant;

/**
 * How far the warehouse is behind the log, in two parts: the lake consumer's lag (records not yet in a
 * Parquet file) and the lake files the warehouse has not loaded since its last refresh.
 *
 * @param lastRefresh when the warehouse last loaded from the lake, or null before the first refresh
 */
public record Freshness(long lakeLagEvents, long lakeLagMs, int unloadedFiles, Instant lastRefresh) {}
