package dev.mercato.orders.web;

import dev.mercato.orders.OrderId;
import dev.mercato.orders.history.OrderHistory;
import dev.mercato.orders.history.OrderHistoryView;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.consume.ViewReads;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
import dev.mercato.plane.web.Cursor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A customer's account: their orders and each one's timeline, from the derived account view (fast, may
 * lag, says how fresh it is). {@code GET /api/v1/orders/{id}} is the source of truth.
 */
@RestController
@Tag(name = "Checkout and orders")
class AccountController {

    private final OrderHistory history;
    private final ViewReads reads;

    AccountController(OrderHistory history, ViewReads reads) {
        this.history = history;
        this.reads = reads;
    }

    @Schema(name = "OrderHistoryPage")
    record Page(List<OrderHistory.Entry> items, String next) {}

    @GetMapping("/api/v1/customers/me/orders")
    @Operation(
            summary = "List my orders with their timelines",
            operationId = "listMyOrders",
            description = "Customers only, newest first, from the account view: fast but it may lag. Mercato-Freshness"
                    + " says how far behind it is; send the Mercato-Consistency-Token of your checkout to see it.")
    @ApiResponse(
            responseCode = "200",
            description = "A page of the caller's orders; next is the following page's cursor, absent on the last",
            headers =
                    @Header(
                            name = ViewReads.FRESHNESS_HEADER,
                            description = "lag-ms=<n>; as-of=<time>, with ; stale when the read may miss writes"
                                    + " (a token's write not applied in time, or a lag the view cannot tell)",
                            schema = @Schema(type = "string")))
    ResponseEntity<Page> mine(
            @RequestParam(defaultValue = "20") int limit,
            @RequestParam(required = false) String cursor,
            @Parameter(
                            description = "Tokens of your own writes (comma-separated): the view waits up to 2 s for"
                                    + " them, else answers marked stale")
                    @RequestHeader(name = ViewReads.TOKEN_HEADER, required = false)
                    String tokens,
            Caller caller) {
        caller.requireRole(Role.CUSTOMER);
        if (limit < 1 || limit > 100) {
            throw new InvalidInput("limit", "must be 1-100, got " + limit);
        }
        Optional<String> after =
                Optional.ofNullable(cursor).map(Cursor::decode).map(OrderId::of).map(OrderId::value);
        ViewReads.Freshness freshness = reads.before(OrderHistoryView.NAME, tokens);
        List<OrderHistory.Entry> page = history.of(caller.subject(), after, limit);
        String next = page.size() == limit ? Cursor.encode(page.getLast().id()) : null;
        return ResponseEntity.ok()
                .header(ViewReads.FRESHNESS_HEADER, freshness.header())
                .body(new Page(page, next));
    }
}
