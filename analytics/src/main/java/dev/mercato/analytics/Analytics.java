package dev.mercato.analytics;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The analytics capability's published API: named reports and read-only SQL over the warehouse, its
 * refresh from the lake, and the reconciliation of the warehouse with the sources of truth. The warehouse
 * explains history; nothing in checkout's path reads it.
 */
public interface Analytics {

    /** The reports {@link #report} knows, by name. */
    List<String> reports();

    /**
     * Runs a named report.
     *
     * @throws dev.mercato.plane.NotFound for an unknown name (the message lists the known ones)
     * @throws dev.mercato.plane.InvalidInput for a bad parameter, naming it
     */
    Report report(String name, Map<String, String> parameters);

    /**
     * Runs one read-only statement on a read-only transaction that can reach no file outside the lake,
     * interrupted after the statement timeout and cut at the row limit.
     *
     * @throws dev.mercato.plane.InvalidInput ({@code sql}) for anything but one read-only statement, saying why
     */
    QueryResult sql(String statement);

    /** Loads the lake files the warehouse has not loaded yet; returns how many. */
    int refresh();

    Freshness freshness();

    /** Compares, records and repairs now; returns the run. */
    Reconciliation reconcile();

    /** The last run, if any ran since the warehouse was created. */
    Optional<Reconciliation> lastReconciliation();
}
