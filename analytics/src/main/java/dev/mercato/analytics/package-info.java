/**
 * Analytics: a Parquet lake and a DuckDB star schema derived from the log. It explains history and reconciles with the sources of truth; it is never in checkout's path.
 */
package dev.mercato.analytics;
