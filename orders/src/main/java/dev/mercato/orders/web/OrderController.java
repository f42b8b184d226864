package dev.mercato.orders.web;

import dev.mercato.cart.CartId;
import dev.mercato.customers.Address;
import dev.mercato.customers.CustomerId;
import dev.mercato.orders.CheckoutRequest;
import dev.mercato.orders.CheckoutResponse;
import dev.mercato.orders.Order;
import dev.mercato.orders.OrderDocument;
import dev.mercato.orders.OrderId;
import dev.mercato.orders.OrderUpdate;
import dev.mercato.orders.Orders;
import dev.mercato.payments.PaymentMethod;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.consume.ViewReads;
import dev.mercato.plane.events.ConsistencyToken;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
import dev.mercato.plane.web.Cursor;
import dev.mercato.plane.web.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Checkout and orders from the source of truth. Customers check out and read or cancel their own orders;
 * a merchant reads its own merchant's (and reports fulfillment through the fulfillment capability's
 * {@code POST /api/v1/orders/{id}/fulfillment}); admins do everything. An order the caller may not see
 * is answered exactly like a missing one.
 */
@RestController
@RequestMapping("/api/v1/orders")
@Tag(
        name = "Checkout and orders",
        description = "Checkout (idempotent by Idempotency-Key) and orders from their source of truth: a customer's"
                + " own, a merchant's merchant's, any for an admin; plus a customer's order history from the"
                + " account view.")
class OrderController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final Orders orders;

    OrderController(Orders orders) {
        this.orders = orders;
    }

    record PaymentInput(String token) {}

    record AddressInput(
            String label, String name, String line1, String line2, String city, String postalCode, String country) {}

    record CheckoutInput(String cartId, PaymentInput payment, AddressInput shipTo) {}

    record OrderPage(List<OrderDocument> items, String next) {}

    @PostMapping
    @Operation(
            summary = "Check out a cart",
            operationId = "checkout",
            description = "Customers only. Places an order from the cart: stock is reserved, the payment authorized,"
                    + " the cart converted. One Idempotency-Key, one outcome: a retry with the same key and body gets"
                    + " the first answer again (Idempotent-Replayed: true), whatever it was.")
    @ApiResponse(
            responseCode = "201",
            description = "Order placed; or, with Idempotent-Replayed, the stored answer to an earlier request"
                    + " with this key",
            headers = {
                @Header(
                        name = "Location",
                        description = "The new order: /api/v1/orders/{id}",
                        schema = @Schema(type = "string")),
                @Header(
                        name = ViewReads.TOKEN_HEADER,
                        description = "The order-placed event's token: send it back to read the order from derived"
                                + " views (account, fulfillment queue)",
                        schema = @Schema(type = "string")),
                @Header(
                        name = "Idempotent-Replayed",
                        description = "true when this is the stored answer to an earlier request with the same key",
                        schema = @Schema(type = "string"))
            },
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = OrderDocument.class)))
    @ApiResponse(
            responseCode = "409",
            description = "Refused, nothing charged; the problem type says why: out-of-stock (skus, shortages),"
                    + " payment-declined, reservation-expired, cart-empty, cart-converted, cart-merged,"
                    + " product-unavailable, mixed-currencies, order-too-large, cart-checkout-in-progress (another"
                    + " checkout of this cart), checkout-in-progress (this key still running; retry shortly),"
                    + " idempotency-key-reused (the key was sent with another body). A stored refusal is replayed for"
                    + " the same key",
            headers =
                    @Header(
                            name = "Idempotent-Replayed",
                            description = "true when this is the stored answer to an earlier request with the same key",
                            schema = @Schema(type = "string")))
    @ApiResponse(
            responseCode = "503",
            description = "Not now, retry after Retry-After seconds: checkout-overloaded (more checkouts running than"
                    + " this instance admits; refused before anything was recorded, so a retry with the same"
                    + " Idempotency-Key starts afresh), checkout-incomplete (a store failed mid-way; recovery finishes"
                    + " or undoes it and a retry with the same key gets its outcome), payment-provider-unavailable"
                    + " (nothing charged; stored for this key, so retry with a new Idempotency-Key),"
                    + " store-unavailable",
            headers = {
                @Header(
                        name = "Idempotent-Replayed",
                        description = "true when this is the stored answer to an earlier request with the same key",
                        schema = @Schema(type = "string"))
            })
    ResponseEntity<String> checkout(
            @Parameter(
                            required = true,
                            description = "A unique key per checkout (1-255 visible ASCII characters, e.g. a UUID);"
                                    + " send the same key and body when retrying it")
                    @RequestHeader(name = IDEMPOTENCY_KEY, required = false)
                    String key,
            @RequestBody CheckoutInput input,
            Caller caller) {
        caller.requireRole(Role.CUSTOMER);
        if (input == null || input.cartId() == null || input.cartId().isBlank()) {
            throw new InvalidInput("cartId", "is required");
        }
        PaymentMethod payment = input.payment() == null || input.payment().token() == null
                ? PaymentMethod.DEFAULT
                : new PaymentMethod(input.payment().token());
        Optional<Address> shipTo = Optional.ofNullable(input.shipTo())
                .map(a ->
                        new Address(a.label(), a.name(), a.line1(), a.line2(), a.city(), a.postalCode(), a.country()));
        CheckoutResponse response = orders.checkout(
                new CheckoutRequest(CustomerId.of(caller.subject()), key, CartId.of(input.cartId()), payment, shipTo));
        var answer = ResponseEntity.status(response.status())
                .contentType(
                        response.placed() ? MediaType.APPLICATION_JSON : MediaType.parseMediaType(Problems.MEDIA_TYPE));
        response.orderId().ifPresent(id -> answer.location(URI.create("/api/v1/orders/" + id)));
        if (response.replayed()) {
            answer.header("Idempotent-Replayed", "true");
        }
        response.token().ifPresent(t -> answer.header(ViewReads.TOKEN_HEADER, t.encode()));
        if (response.status() == 503) {
            answer.header("Retry-After", "1");
        }
        return answer.body(response.body());
    }

    @GetMapping("/{id}")
    @Operation(
            summary = "Get an order",
            operationId = "getOrder",
            description = "From the source of truth. An order the caller may not see answers 404, like a missing one.")
    @ApiResponse(responseCode = "200", description = "The order")
    OrderDocument order(@PathVariable String id, Caller caller) {
        return OrderDocument.of(visible(id, caller));
    }

    /** The caller's orders, newest first: a customer's own, a merchant's merchant's, or any for an admin. */
    @GetMapping
    @Operation(
            summary = "List orders",
            operationId = "listOrders",
            description = "Newest first: a customer's own, a merchant's merchant's (merchant names it for an admin"
                    + " too), or any for an admin (optionally one merchant's or one customer's).")
    @ApiResponse(
            responseCode = "200",
            description = "A page of orders; next is the cursor of the following page, absent on the last")
    OrderPage orders(
            @RequestParam(defaultValue = "20") int limit,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) String merchant,
            @RequestParam(required = false) String customer,
            Caller caller) {
        Optional<OrderId> after =
                Optional.ofNullable(cursor).map(Cursor::decode).map(OrderId::of);
        List<Order> page;
        if (caller.is(Role.CUSTOMER)) {
            page = orders.ordersOf(CustomerId.of(caller.subject()), after, limit);
        } else if (caller.is(Role.MERCHANT)) {
            page = orders.ordersFor(caller.merchantFor(merchant), after, limit);
        } else {
            caller.requireRole(Role.ADMIN);
            page = merchant != null
                    ? orders.ordersFor(MerchantId.of(merchant), after, limit)
                    : customer != null
                            ? orders.ordersOf(CustomerId.of(customer), after, limit)
                            : orders.orders(after, limit);
        }
        String next = page.size() == limit ? Cursor.encode(page.getLast().id().value()) : null;
        return new OrderPage(page.stream().map(OrderDocument::of).toList(), next);
    }

    @PostMapping("/{id}/cancel")
    @Operation(
            summary = "Cancel an order",
            operationId = "cancelOrder",
            description = "The order's customer or an admin. Voids or refunds the payment and gives the stock back;"
                    + " only an admin may cancel (refund) after shipment.")
    @ApiResponse(
            responseCode = "200",
            description = "The order as it now stands (unchanged if it was cancelled already)",
            headers =
                    @Header(
                            name = ViewReads.TOKEN_HEADER,
                            description = "Tokens of the events this move wrote: send them back to read it from"
                                    + " derived views",
                            schema = @Schema(type = "string")))
    @ApiResponse(
            responseCode = "409",
            description = "Refused, nothing changed unless said: illegal-transition (not from its status),"
                    + " order-busy (another move of this order is running; retry shortly), order-move-stuck (a later"
                    + " step of the move was refused; it stays in flight), illegal-payment-transition,"
                    + " payment-provider-refused")
    @ApiResponse(
            responseCode = "503",
            description = "order-move-incomplete (decided but could not finish now; it is finished automatically,"
                    + " read the order), order-busy, store-unavailable; retry after Retry-After seconds")
    ResponseEntity<OrderDocument> cancel(@PathVariable String id, Caller caller) {
        caller.requireRole(Role.CUSTOMER, Role.ADMIN);
        Order order = visible(id, caller);
        return answer(orders.cancel(order.id(), actor(caller), caller.isAdmin()));
    }

    private static ResponseEntity<OrderDocument> answer(OrderUpdate update) {
        var response = ResponseEntity.ok();
        if (!update.tokens().isEmpty()) {
            response.header(ViewReads.TOKEN_HEADER, ConsistencyToken.header(update.tokens()));
        }
        return response.body(OrderDocument.of(update.order()));
    }

    /** The order when this caller may see it; otherwise the same 404 as for an order that does not exist. */
    private Order visible(String id, Caller caller) {
        Order order = orders.order(OrderId.of(id)).orElseThrow(() -> new NotFound("order", id));
        boolean allowed = caller.isAdmin()
                || (caller.is(Role.CUSTOMER) && order.customer().value().equals(caller.subject()))
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
