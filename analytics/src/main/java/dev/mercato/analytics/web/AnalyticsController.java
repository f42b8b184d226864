package dev.mercato.analytics.web;

import dev.mercato.analytics.Analytics;
import dev.mercato.analytics.Freshness;
import dev.mercato.analytics.QueryResult;
import dev.mercato.analytics.Reconciliation;
import dev.mercato.analytics.Report;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The warehouse over HTTP, admins only: named reports, read-only SQL, an on-demand refresh, and the
 * reconciliation with the sources of truth (under the plane's operations API, beside the views it checks).
 */
@RestController
@Tag(
        name = "Analytics",
        description = "The warehouse, admins only: named reports, read-only SQL, an on-demand refresh from the lake,"
                + " and the reconciliation of its daily totals with the sources of truth.")
class AnalyticsController {

    private final Analytics analytics;

    AnalyticsController(Analytics analytics) {
        this.analytics = analytics;
    }

    @GetMapping("/api/v1/analytics/reports/{name}")
    @Operation(
            summary = "Run a named report",
            operationId = "runReport",
            description = "Admins only. The report's parameters (from, to, country...) are query parameters; the"
                    + " answer says how fresh the warehouse is.")
    @ApiResponse(
            responseCode = "200",
            description = "The report's rows, the parameters used and the warehouse's freshness")
    Report report(@PathVariable String name, @RequestParam Map<String, String> parameters, Caller caller) {
        caller.requireRole(Role.ADMIN);
        return analytics.report(name, parameters);
    }

    record SqlRequest(String sql) {}

    @PostMapping("/api/v1/analytics/sql")
    @Operation(
            summary = "Run a read-only SQL query on the warehouse",
            operationId = "runSql",
            description = "Admins only. One read-only statement, {\"sql\": \"SELECT ...\"}; rows are capped and a"
                    + " statement running past the timeout is cancelled.")
    @ApiResponse(
            responseCode = "200",
            description = "The columns and rows, how long it took and the warehouse's freshness")
    @ApiResponse(
            responseCode = "503",
            description = "query-timeout: the statement ran longer than the timeout and was cancelled; narrow it or"
                    + " aggregate more (or store-unavailable)")
    QueryResult sql(@RequestBody(required = false) SqlRequest request, Caller caller) {
        caller.requireRole(Role.ADMIN);
        if (request == null || request.sql() == null) {
            throw new InvalidInput("sql", "is required: send {\"sql\": \"SELECT ...\"}");
        }
        return analytics.sql(request.sql());
    }

    record Refreshed(int files, Freshness freshness) {}

    @PostMapping("/api/v1/analytics/refresh")
    @Operation(
            summary = "Refresh the warehouse from the lake",
            operationId = "refreshWarehouse",
            description = "Admins only. Loads the lake files not loaded yet, now rather than at the next scheduled"
                    + " refresh.")
    @ApiResponse(responseCode = "200", description = "How many files were loaded, and the warehouse's freshness after")
    Refreshed refresh(Caller caller) {
        caller.requireRole(Role.ADMIN);
        int files = analytics.refresh();
        return new Refreshed(files, analytics.freshness());
    }

    @Schema(name = "WarehouseReconciliationJson")
    record ReconciliationJson(Reconciliation last) {}

    @GetMapping("/api/v1/plane/reconciliation")
    @Operation(
            summary = "Get the last warehouse reconciliation",
            operationId = "getLastReconciliation",
            description = "Admins only: the last comparison of the warehouse's daily totals per merchant with the"
                    + " orders' and payments' sources of truth; last is null when none ran yet.")
    @ApiResponse(responseCode = "200", description = "The last reconciliation, or null")
    ReconciliationJson reconciliation(Caller caller) {
        caller.requireRole(Role.ADMIN);
        return new ReconciliationJson(analytics.lastReconciliation().orElse(null));
    }

    @PostMapping("/api/v1/plane/reconciliation")
    @Operation(
            summary = "Reconcile the warehouse now",
            operationId = "runReconciliation",
            description = "Admins only: compares the warehouse's daily totals per merchant with the orders' and"
                    + " payments' sources of truth now, and reloads what drifted.")
    @ApiResponse(responseCode = "200", description = "The reconciliation just run")
    ReconciliationJson reconcile(Caller caller) {
        caller.requireRole(Role.ADMIN);
        return new ReconciliationJson(analytics.reconcile());
    }
}
