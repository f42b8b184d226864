package dev.mercato.fulfillment.web;

import dev.mercato.fulfillment.queue.FulfillmentQueue;
import dev.mercato.fulfillment.queue.FulfillmentQueueView;
import dev.mercato.orders.OrderId;
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
 * A merchant's fulfillment queue: its orders by the stage they wait in, oldest first, from the derived
 * queue view (fast, may lag, says how fresh it is; pass the consistency token of a write to read it back).
 * A merchant sees its own merchant's; an admin names one with {@code ?merchant=} or sees every merchant's.
 */
@RestController
class QueueController {

    private final FulfillmentQueue queue;
    private final ViewReads reads;

    QueueController(FulfillmentQueue queue, ViewReads reads) {
        this.queue = queue;
        this.reads = reads;
    }

    record Page(List<FulfillmentQueue.Entry> items, String next) {}

    @GetMapping("/api/v1/merchants/me/fulfillment")
    ResponseEntity<Page> queue(
            @RequestParam(required = false) String stage,
            @RequestParam(defaultValue = "20") int limit,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) String merchant,
            @RequestHeader(name = ViewReads.TOKEN_HEADER, required = false) String tokens,
            Caller caller) {
        caller.requireRole(Role.MERCHANT, Role.ADMIN);
        Optional<String> of = caller.isAdmin() && (merchant == null || merchant.isBlank())
                ? Optional.empty()
                : Optional.of(caller.merchantFor(merchant).value());
        if (limit < 1 || limit > 100) {
            throw new InvalidInput("limit", "must be 1-100, got " + limit);
        }
        List<String> stages = FulfillmentQueue.stages(stage);
        Optional<String> after =
                Optional.ofNullable(cursor).map(Cursor::decode).map(OrderId::of).map(OrderId::value);
        ViewReads.Freshness freshness = reads.before(FulfillmentQueueView.NAME, tokens);
        List<FulfillmentQueue.Entry> page = queue.page(of, stages, after, limit);
        String next = page.size() == limit ? Cursor.encode(page.getLast().orderId()) : null;
        return ResponseEntity.ok()
                .header(ViewReads.FRESHNESS_HEADER, freshness.header())
                .body(new Page(page, next));
    }
}
