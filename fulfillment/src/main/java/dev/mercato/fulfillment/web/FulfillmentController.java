package dev.mercato.fulfillment.web;

import dev.mercato.fulfillment.Fulfillment;
import dev.mercato.fulfillment.PickList;
import dev.mercato.fulfillment.Report;
import dev.mercato.fulfillment.events.PickLine;
import dev.mercato.orders.FulfillmentStep;
import dev.mercato.orders.Order;
import dev.mercato.orders.OrderDocument;
import dev.mercato.orders.OrderId;
import dev.mercato.orders.OrderUpdate;
import dev.mercato.orders.Orders;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.consume.ViewReads;
import dev.mercato.plane.events.ConsistencyToken;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where a merchant reports what happened to an order in the warehouse: picked, packed, shipped (with an
 * optional carrier and tracking number), delivered. Only the order's merchant or an admin may; anyone else
 * gets the same 404 as for an order that does not exist. The answer is the order as orders then holds it,
 * with the tokens to read the move back from the derived views (orders' tokens: the queue and the account
 * view both follow the order's status from the orders log).
 */
@RestController
@Tag(
        name = "Fulfillment",
        description = "What happens to an order in the warehouse (picked, packed, shipped, delivered), reported by"
                + " its merchant, and each merchant's queue of orders by the stage they wait in.")
class FulfillmentController {

    static final int MAX_TEXT = 100;

    private final Fulfillment fulfillment;
    private final Orders orders;

    FulfillmentController(Fulfillment fulfillment, Orders orders) {
        this.fulfillment = fulfillment;
        this.orders = orders;
    }

    record StepInput(String status, String carrier, String trackingNumber) {}

    @PostMapping("/api/v1/orders/{id}/fulfillment")
    @Operation(
            summary = "Report a fulfillment step of an order",
            operationId = "reportFulfillment",
            description = "The order's merchant or an admin: status picked, packed, shipped (carrier and trackingNumber"
                    + " only then) or delivered. Picking commits the stock, shipping captures the payment. Reporting"
                    + " the status the order already has changes nothing.")
    @ApiResponse(
            responseCode = "200",
            description = "The order as orders now holds it",
            headers =
                    @Header(
                            name = ViewReads.TOKEN_HEADER,
                            description = "Tokens of the events this move wrote: send them back to read it from the"
                                    + " fulfillment queue or the account view",
                            schema = @Schema(type = "string")))
    @ApiResponse(
            responseCode = "409",
            description = "Refused: illegal-transition (not from the order's status, or the order was cancelled),"
                    + " order-busy (another move of this order is running; retry shortly), order-move-stuck (a later"
                    + " step of the move was refused; it stays in flight), illegal-payment-transition,"
                    + " payment-provider-refused")
    @ApiResponse(
            responseCode = "503",
            description = "order-move-incomplete (decided but could not finish now; it is finished automatically,"
                    + " read the order), order-busy, store-unavailable; retry after Retry-After seconds")
    ResponseEntity<OrderDocument> report(@PathVariable String id, @RequestBody StepInput input, Caller caller) {
        caller.requireRole(Role.MERCHANT, Role.ADMIN);
        FulfillmentStep step = FulfillmentStep.parse(input == null ? null : input.status());
        Optional<String> carrier = text("carrier", input.carrier(), step);
        Optional<String> tracking = text("trackingNumber", input.trackingNumber(), step);
        Order order = visible(id, caller);
        OrderUpdate update = fulfillment.report(new Report(order.id(), step, actor(caller), carrier, tracking));
        var response = ResponseEntity.ok();
        if (!update.tokens().isEmpty()) {
            response.header(ViewReads.TOKEN_HEADER, ConsistencyToken.header(update.tokens()));
        }
        return response.body(OrderDocument.of(update.order()));
    }

    record PickListJson(
            String orderId,
            String merchant,
            String status,
            List<PickLine> lines,
            int itemCount,
            Instant placedAt,
            String createdFrom,
            Instant updatedAt,
            String carrier,
            String trackingNumber,
            String closedReason) {
        static PickListJson of(PickList p) {
            return new PickListJson(
                    p.orderId(),
                    p.merchant(),
                    p.status().wire(),
                    p.lines(),
                    p.itemCount(),
                    p.placedAt(),
                    p.createdFrom(),
                    p.updatedAt(),
                    p.carrier().orElse(null),
                    p.trackingNumber().orElse(null),
                    p.closedReason().orElse(null));
        }
    }

    /**
     * The order's pick list, from fulfillment's own store. Intake creates it shortly after checkout, so it may
     * be missing for a moment after the order exists (404 {@code pick list}); a report never waits for it.
     */
    @GetMapping("/api/v1/orders/{id}/fulfillment")
    @Operation(
            summary = "Get an order's pick list",
            operationId = "getPickList",
            description = "The order's merchant or an admin. Created shortly after checkout, so it may be missing"
                    + " (404 pick list) for a moment after the order exists.")
    @ApiResponse(responseCode = "200", description = "The pick list")
    PickListJson pickList(@PathVariable String id, Caller caller) {
        caller.requireRole(Role.MERCHANT, Role.ADMIN);
        Order order = visible(id, caller);
        return fulfillment.pickList(order.id()).map(PickListJson::of).orElseThrow(() -> new NotFound("pick list", id));
    }

    private static Optional<String> text(String field, String value, FulfillmentStep step) {
        if (value == null) {
            return Optional.empty();
        }
        if (step != FulfillmentStep.SHIPPED) {
            throw new InvalidInput(field, "is only given with status shipped");
        }
        String v = value.strip();
        if (v.isEmpty() || v.length() > MAX_TEXT) {
            throw new InvalidInput(field, "must have 1-" + MAX_TEXT + " characters");
        }
        return Optional.of(v);
    }

    /** The order when this caller may fulfil it; otherwise the same 404 as for one that does not exist. */
    private Order visible(String id, Caller caller) {
        Order order = orders.order(OrderId.of(id)).orElseThrow(() -> new NotFound("order", id));
        boolean allowed = caller.isAdmin()
                || (caller.is(Role.MERCHANT)
                        && caller.merchant().filter(order.merchant()::equals).isPresent());
        if (!allowed) {
            throw new NotFound("order", id);
        }
        return order;
    }

    private static String actor(Caller caller) {
        return caller.role().map(r -> r.wire()).orElse("anonymous") + ":" + caller.subject();
    }
}
