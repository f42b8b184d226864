package dev.mercato.analytics.web;

import dev.mercato.analytics.Analytics;
import dev.mercato.analytics.Freshness;
import dev.mercato.analytics.QueryResult;
import dev.mercato.analytics.Reconciliation;
import dev.mercato.analytics.Report;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
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
class AnalyticsController {

    private final Analytics analytics;

    AnalyticsController(Analytics analytics) {
        this.analytics = analytics;
    }

    @GetMapping("/api/v1/analytics/reports/{name}")
    Report report(@PathVariable String name, @RequestParam Map<String, String> parameters, Caller caller) {
        caller.requireRole(Role.ADMIN);
        return analytics.report(name, parameters);
    }

    record SqlRequest(String sql) {}

    @PostMapping("/api/v1/analytics/sql")
    QueryResult sql(@RequestBody(required = false) SqlRequest request, Caller caller) {
        caller.requireRole(Role.ADMIN);
        if (request == null || request.sql() == null) {
            throw new InvalidInput("sql", "is required: send {\"sql\": \"SELECT ...\"}");
        }
        return analytics.sql(request.sql());
    }

    record Refreshed(int files, Freshness freshness) {}

    @PostMapping("/api/v1/analytics/refresh")
    Refreshed refresh(Caller caller) {
        caller.requireRole(Role.ADMIN);
        int files = analytics.refresh();
        return new Refreshed(files, analytics.freshness());
    }

    record ReconciliationJson(Reconciliation last) {}

    @GetMapping("/api/v1/plane/reconciliation")
    ReconciliationJson reconciliation(Caller caller) {
        caller.requireRole(Role.ADMIN);
        return new ReconciliationJson(analytics.lastReconciliation().orElse(null));
    }

    @PostMapping("/api/v1/plane/reconciliation")
    ReconciliationJson reconcile(Caller caller) {
        caller.requireRole(Role.ADMIN);
        return new ReconciliationJson(analytics.reconcile());
    }
}
