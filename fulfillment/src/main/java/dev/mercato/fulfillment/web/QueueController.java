package dev.mercato.fulfillment.web;

import dev.mercato.fulfillment.queue.FulfillmentQueue;
import dev.mercato.fulfillment.queue.FulfillmentQueueView;
import dev.mercato.orders.OrderId;
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
 * A merchant's fulfillment queue: its orders by the stage they wait in, oldest first, from the derived
 * queue view (fast, may lag, says how fresh it is; pass the consistency token of a write to read it back).
 * A merchant sees its own merchant's; an admin names one with {@code ?merchant=} or sees every merchant's.
 */
@RestController
@Tag(name = "Fulfillment")
class QueueController {

    private final FulfillmentQueue queue;
    private final ViewReads reads;

    QueueController(FulfillmentQueue queue, ViewReads reads) {
        this.queue = queue;
        this.reads = reads;
    }

    @Schema(name = "FulfillmentQueuePage")
    record Page(List<FulfillmentQueue.Entry> items, String next) {}

    @GetMapping("/api/v1/merchants/me/fulfillment")
    @Operation(
            summary = "List my fulfillment queue",
            operationId = "listFulfillmentQueue",
            description = "Merchants (their own) and admins (one merchant with merchant, else all), oldest first, from"
                    + " the queue view: fast but it may lag. Mercato-Freshness says how far behind it is; send the"
                    + " Mercato-Consistency-Token of a write to see it.")
    @ApiResponse(
            responseCode = "200",
            description = "A page of orders waiting; next is the following page's cursor, absent on the last",
            headers =
                    @Header(
                            name = ViewReads.FRESHNESS_HEADER,
                            description = "lag-ms=<n>; as-of=<time>, with ; stale when the read may miss writes"
                                    + " (a token's write not applied in time, or a lag the view cannot tell)",
                            schema = @Schema(type = "string")))
    ResponseEntity<Page> queue(
            @RequestParam(required = false) String stage,
            @RequestParam(defaultValue = "20") int limit,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) String merchant,
            @Parameter(
                            description = "Tokens of your own writes (comma-separated): the view waits up to 2 s for"
                                    + " them, else answers marked stale")
                    @RequestHeader(name = ViewReads.TOKEN_HEADER, required = false)
                    String tokens,
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
