package dev.mercato.cart.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mercato.cart.Cart;
import dev.mercato.cart.CartId;
import dev.mercato.cart.CartLine;
import dev.mercato.cart.Carts;
import dev.mercato.catalog.Sku;
import dev.mercato.customers.CustomerId;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
import dev.mercato.plane.web.MoneyJson;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.math.BigInteger;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Carts over HTTP. Paths are open without a token: an anonymous cart is reached by whoever holds its
 * unguessable id, and a customer's cart only by that customer or an admin. To anyone else a customer's
 * cart answers the same 404 as a cart that does not exist, so its existence is not revealed.
 */
@RestController
@RequestMapping("/api/v1/carts")
@Tag(
        name = "Carts",
        description = "Carts, open without a token: an anonymous cart is reached by whoever holds its unguessable id,"
                + " a customer's only by that customer (with their token) or an admin; to anyone else it answers 404."
                + " Every answer carries the cart's version as its ETag, for If-Match.")
class CartController {

    private static final Pattern ETAG = Pattern.compile("(?:W/)?\"([0-9]{1,18})\"");

    private final Carts carts;

    CartController(Carts carts) {
        this.carts = carts;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CartJson(
            String id,
            String owner,
            String merchant,
            String status,
            List<LineJson> lines,
            MoneyJson subtotal,
            int itemCount,
            long version,
            Instant expiresAt,
            String orderId,
            String mergedInto) {

        static CartJson of(Cart c) {
            return new CartJson(
                    c.id().value(),
                    c.owner().map(CustomerId::value).orElse(null),
                    c.merchant().map(m -> m.value()).orElse(null),
                    c.status().name().toLowerCase(java.util.Locale.ROOT),
                    c.lines().stream().map(LineJson::of).toList(),
                    c.subtotal().map(MoneyJson::of).orElse(null),
                    c.itemCount(),
                    c.version(),
                    c.expiresAt(),
                    c.orderId().orElse(null),
                    c.mergedInto().map(CartId::value).orElse(null));
        }
    }

    record LineJson(String sku, String title, int quantity, MoneyJson unitPrice, MoneyJson lineTotal) {
        static LineJson of(CartLine l) {
            return new LineJson(
                    l.sku().value(), l.title(), l.quantity(), MoneyJson.of(l.unitPrice()), MoneyJson.of(l.lineTotal()));
        }
    }

    /** Held as the JSON value it was, so a fraction or a string is refused by name, not coerced. */
    record QuantityInput(Object quantity) {}

    /** A customer's new cart is theirs; anyone else's is anonymous. The body, {@code {}}, has no fields yet. */
    @PostMapping
    @Operation(
            summary = "Create a cart",
            operationId = "createCart",
            description = "No token needed. With a customer's token the cart is that customer's; otherwise it is"
                    + " anonymous. The body, {}, may be left out.")
    @ApiResponse(
            responseCode = "201",
            description = "The new, empty cart",
            headers = {
                @Header(
                        name = "Location",
                        description = "The new cart: /api/v1/carts/{id}",
                        schema = @Schema(type = "string")),
                @Header(
                        name = "ETag",
                        description = "The cart's version, quoted: send it in If-Match to change only that version",
                        schema = @Schema(type = "string"))
            })
    ResponseEntity<CartJson> create(@RequestBody(required = false) Map<String, Object> body, Caller caller) {
        Optional<CustomerId> owner = caller.is(Role.CUSTOMER) ? Optional.of(customer(caller)) : Optional.empty();
        Cart cart = carts.create(owner);
        return ResponseEntity.created(URI.create("/api/v1/carts/" + cart.id()))
                .eTag(etag(cart))
                .body(CartJson.of(cart));
    }

    @GetMapping("/{id}")
    @Operation(
            summary = "Get a cart",
            operationId = "getCart",
            description = "An anonymous cart with no token; a customer's cart with that customer's token (or an"
                    + " admin's).")
    @ApiResponse(
            responseCode = "200",
            description = "The cart, priced",
            headers =
                    @Header(
                            name = "ETag",
                            description = "The cart's version, quoted: send it in If-Match to change only that version",
                            schema = @Schema(type = "string")))
    ResponseEntity<CartJson> get(@PathVariable String id, Caller caller) {
        return answer(reachable(id, caller));
    }

    @PutMapping("/{id}/items/{sku}")
    @Operation(
            summary = "Set the quantity of a product in a cart",
            operationId = "setCartItemQuantity",
            description = "Quantity 0 removes the line. A cart holds products of one merchant, in one currency.")
    @ApiResponse(
            responseCode = "200",
            description = "The cart as it now stands",
            headers =
                    @Header(
                            name = "ETag",
                            description = "The cart's version, quoted: send it in If-Match to change only that version",
                            schema = @Schema(type = "string")))
    @ApiResponse(
            responseCode = "409",
            description = "Refused, nothing changed: product-unavailable (retired), cart-merchant-mismatch,"
                    + " cart-currency-mismatch, cart-full (too many different products), cart-converted (checked"
                    + " out), cart-merged, cart-busy (kept changing under this change; try again)")
    @ApiResponse(
            responseCode = "412",
            description = "precondition-failed: the cart is no longer at the If-Match version (currentVersion says"
                    + " where it is); nothing changed. Read it again and decide again")
    ResponseEntity<CartJson> setQuantity(
            @PathVariable String id,
            @PathVariable String sku,
            @RequestBody QuantityInput input,
            @Parameter(
                            description =
                                    "An ETag this API returned for the cart (\"3\"): the change applies only to that"
                                            + " version, else 412. Absent or *, to any version")
                    @RequestHeader(name = HttpHeaders.IF_MATCH, required = false)
                    String ifMatch,
            Caller caller) {
        int quantity = quantity(input);
        Sku item = Sku.of(sku);
        OptionalLong expected = expectedVersion(ifMatch);
        Cart cart = reachable(id, caller);
        return answer(carts.setQuantity(cart.id(), item, quantity, expected));
    }

    @DeleteMapping("/{id}/items/{sku}")
    @Operation(
            summary = "Remove a product from a cart",
            operationId = "removeCartItem",
            description = "Removing a product the cart does not hold changes nothing.")
    @ApiResponse(
            responseCode = "200",
            description = "The cart as it now stands",
            headers =
                    @Header(
                            name = "ETag",
                            description = "The cart's version, quoted: send it in If-Match to change only that version",
                            schema = @Schema(type = "string")))
    @ApiResponse(
            responseCode = "409",
            description = "Refused, nothing changed: cart-converted (checked out), cart-merged, cart-busy (kept"
                    + " changing under this change; try again)")
    @ApiResponse(
            responseCode = "412",
            description = "precondition-failed: the cart is no longer at the If-Match version (currentVersion says"
                    + " where it is); nothing changed. Read it again and decide again")
    ResponseEntity<CartJson> remove(
            @PathVariable String id,
            @PathVariable String sku,
            @Parameter(
                            description =
                                    "An ETag this API returned for the cart (\"3\"): the change applies only to that"
                                            + " version, else 412. Absent or *, to any version")
                    @RequestHeader(name = HttpHeaders.IF_MATCH, required = false)
                    String ifMatch,
            Caller caller) {
        Sku item = Sku.of(sku);
        OptionalLong expected = expectedVersion(ifMatch);
        Cart cart = reachable(id, caller);
        return answer(carts.setQuantity(cart.id(), item, 0, expected));
    }

    /** At login: the anonymous cart {id} goes into the calling customer's cart, which is answered. */
    @PostMapping("/{id}/merge")
    @Operation(
            summary = "Merge an anonymous cart into my cart",
            operationId = "mergeCart",
            description = "Customers only, at login: the anonymous cart's lines move into the customer's open cart of"
                    + " the same merchant (or the cart becomes theirs when they have none), which is answered. Lines"
                    + " past the line limit or in another currency stay behind. Safe to repeat.")
    @ApiResponse(
            responseCode = "200",
            description = "The customer's cart after the merge",
            headers =
                    @Header(
                            name = "ETag",
                            description = "The cart's version, quoted: send it in If-Match to change only that version",
                            schema = @Schema(type = "string")))
    @ApiResponse(
            responseCode = "409",
            description = "Refused: cart-converted (checked out), cart-merged, cart-busy (kept changing; try again)")
    ResponseEntity<CartJson> merge(@PathVariable String id, Caller caller) {
        caller.requireRole(Role.CUSTOMER);
        return answer(carts.merge(CartId.of(id), customer(caller)));
    }

    /** The cart, if this caller may reach it; otherwise the same 404 as for no cart at all. */
    private Cart reachable(String id, Caller caller) {
        CartId cartId = CartId.of(id);
        Cart cart = carts.find(cartId).orElseThrow(() -> new NotFound("cart", id));
        if (cart.owner().isEmpty() || caller.isAdmin()) {
            return cart;
        }
        boolean own = caller.is(Role.CUSTOMER) && cart.owner().get().value().equals(caller.subject());
        if (!own) {
            throw new NotFound("cart", id);
        }
        return cart;
    }

    private static CustomerId customer(Caller caller) {
        return CustomerId.of(caller.subject());
    }

    private static ResponseEntity<CartJson> answer(Cart cart) {
        return ResponseEntity.ok().eTag(etag(cart)).body(CartJson.of(cart));
    }

    private static String etag(Cart cart) {
        return "\"" + cart.version() + "\"";
    }

    static int quantity(QuantityInput input) {
        Object q = input == null ? null : input.quantity();
        if (q == null) {
            throw new InvalidInput("quantity", "is required");
        }
        boolean whole = q instanceof Integer || q instanceof Long || q instanceof BigInteger || q instanceof Short;
        if (!whole) {
            throw new InvalidInput("quantity", "must be a whole number 0-" + Carts.MAX_QUANTITY);
        }
        long value = ((Number) q).longValue();
        if (q instanceof BigInteger big && big.bitLength() > 31) {
            value = Long.MAX_VALUE;
        }
        if (value < 0 || value > Carts.MAX_QUANTITY) {
            throw new InvalidInput("quantity", "must be 0-" + Carts.MAX_QUANTITY + ", got " + q);
        }
        return (int) value;
    }

    /** {@code If-Match: "3"} applies the change only to version 3; absent or {@code *}, to any version. */
    static OptionalLong expectedVersion(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return OptionalLong.empty();
        }
        Matcher m = ETAG.matcher(ifMatch.trim());
        if (!m.matches()) {
            throw new InvalidInput(HttpHeaders.IF_MATCH, "must be one ETag this API returned, such as \"3\"");
        }
        return OptionalLong.of(Long.parseLong(m.group(1)));
    }
}
