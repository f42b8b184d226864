package dev.mercato.analytics;

/** The answer to an admin's read-only SQL statement. */
public record QueryResult(SqlResult result, long elapsedMs, Freshness freshness) {}
