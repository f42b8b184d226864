package dev.mercato.app.consistency;

import dev.mercato.orders.OrderAudit;
import dev.mercato.orders.OrderMove;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/orders/reconciliation} (admins): orders whose payment, stock, pick list or books
 * disagree with the order, with what to do; beside {@code /api/v1/inventory/reconciliation}, which proves
 * the stock counters against the reservations.
 */
@RestController
@Tag(
        name = "Consistency",
        description = "Checks that the capabilities agree with each other: orders against their payment, stock, pick"
                + " list and books.")
class ReconciliationController {

    private final OrderReconciliation reconciliation;

    ReconciliationController(OrderReconciliation reconciliation) {
        this.reconciliation = reconciliation;
    }

    record FindingJson(
            String orderId, String orderStatus, String witness, String expected, String actual, String whatToDo) {
        static FindingJson of(OrderAudit.Finding f) {
            return new FindingJson(
                    f.order().value(), f.orderStatus(), f.witness(), f.expected(), f.actual(), f.whatToDo());
        }
    }

    record MoveJson(
            String orderId,
            String from,
            String to,
            String actor,
            Instant startedAt,
            Instant leaseUntil,
            int attempts,
            String lastError) {
        static MoveJson of(OrderMove m) {
            return new MoveJson(
                    m.order().value(),
                    m.from().wire(),
                    m.to().wire(),
                    m.actor(),
                    m.startedAt(),
                    m.leaseUntil(),
                    m.attempts(),
                    m.lastError().isEmpty() ? null : m.lastError());
        }
    }

    record MisownedJson(String sku, String holder, String owner, int onHand) {}

    record StockDriftJson(String sku, int onHand, int reserved, int liveReservations) {}

    record ReportJson(
            Instant checkedAt,
            int ordersChecked,
            boolean consistent,
            List<FindingJson> findings,
            Map<String, String> notJudged,
            List<MoveJson> movesInFlight,
            List<MisownedJson> misownedStock,
            List<StockDriftJson> stockDrift) {}

    /** @param limit how many of the newest orders to check (1-100000) */
    @GetMapping("/api/v1/orders/reconciliation")
    @Operation(
            summary = "Check orders against payments, stock and books",
            operationId = "reconcileOrders",
            description = "Admins only: the newest orders (limit, 1-100000) whose payment, stock, pick list or books"
                    + " disagree with the order, each with what to do; moves still in flight; misowned stock and"
                    + " stock drift.")
    @ApiResponse(responseCode = "200", description = "consistent, with the findings")
    ReportJson reconciliation(@RequestParam(defaultValue = "1000") int limit, Caller caller) {
        caller.requireRole(Role.ADMIN);
        OrderReconciliation.Report r = reconciliation.check(limit);
        return new ReportJson(
                r.checkedAt(),
                r.checked(),
                r.consistent(),
                r.findings().stream().map(FindingJson::of).toList(),
                r.skipped(),
                r.moving().stream().map(MoveJson::of).toList(),
                r.misowned().stream()
                        .map(m -> new MisownedJson(
                                m.sku().value(),
                                m.holder().value(),
                                m.owner().map(MerchantId::value).orElse(null),
                                m.onHand()))
                        .toList(),
                r.stockDrift().stream()
                        .map(d -> new StockDriftJson(d.sku().value(), d.onHand(), d.reserved(), d.liveReservations()))
                        .toList());
    }
}
