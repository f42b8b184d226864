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
    ResponseEntity<String> checkout(
            @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key,
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
    OrderDocument order(@PathVariable String id, Caller caller) {
        return OrderDocument.of(visible(id, caller));
    }

    /** The caller's orders, newest first: a customer's own, a merchant's merchant's, or any for an admin. */
    @GetMapping
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
