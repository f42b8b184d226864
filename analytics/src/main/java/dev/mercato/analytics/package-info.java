/**
 * Analytics: history and reconciliation, derived from the log and owning no fact. An analytics consumer
 * writes every capability's events to a Parquet lake partitioned by event date and type, whose file names
 * carry the log offsets they cover (the lake's checkpoint), and whose small files are merged per partition
 * by a periodic compaction that keeps every offset in exactly one live file; a DuckDB star schema is
 * refreshed from the lake incrementally; named reports and admins' read-only SQL are answered from it; and a reconciliation job
 * compares its daily totals with the orders' and payments' sources of truth and repairs drift by loading
 * the drifted days again. It is never in checkout's path.
 */
package dev.mercato.analytics;
