package dev.mercato.orders.web;

import dev.mercato.orders.OrderId;
import dev.mercato.orders.history.OrderHistory;
import dev.mercato.orders.history.OrderHistoryView;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.consume.ViewReads;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
import dev.mercato.plane.web.Cursor;
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
class AccountController {

    private final OrderHistory history;
    private final ViewReads reads;

    AccountController(OrderHistory history, ViewReads reads) {
        this.history = history;
        this.reads = reads;
    }

    record Page(List<OrderHistory.Entry> items, String next) {}

    @GetMapping("/api/v1/customers/me/orders")
    ResponseEntity<Page> mine(
            @RequestParam(defaultValue = "20") int limit,
            @RequestParam(required = false) String cursor,
            @RequestHeader(name = ViewReads.TOKEN_HEADER, required = false) String tokens,
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
