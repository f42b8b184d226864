package dev.mercato.inventory.web;

import dev.mercato.catalog.Sku;
import dev.mercato.inventory.Inventory;
import dev.mercato.inventory.StockLevel;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.consume.ViewReads;
import dev.mercato.plane.events.ConsistencyToken;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
import dev.mercato.plane.web.Cursor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Stock levels from the source of truth, for the merchant that owns them and for admins. */
@RestController
@RequestMapping("/api/v1/inventory")
@Tag(
        name = "Inventory",
        description = "Stock levels from the source of truth for the merchant that owns them and for admins, and"
                + " reorder suggestions from a derived view.")
class StockController {

    private final Inventory inventory;

    StockController(Inventory inventory) {
        this.inventory = inventory;
    }

    record StockJson(
            String sku, String merchant, int onHand, int reserved, int available, int lowThreshold, long version) {
        static StockJson of(StockLevel l) {
            return new StockJson(
                    l.sku().value(),
                    l.merchant().value(),
                    l.onHand(),
                    l.reserved(),
                    l.available(),
                    l.lowThreshold(),
                    l.version());
        }
    }

    record StockInput(Integer onHand, Integer lowThreshold, String merchant) {}

    record StockPage(List<StockJson> items, String next) {}

    record DriftJson(String sku, int onHand, int reserved, int liveReservations) {}

    record MisownedJson(String sku, String holder, String owner, int onHand) {}

    @Schema(name = "StockReconciliationJson")
    record ReconciliationJson(boolean consistent, List<DriftJson> drift, List<MisownedJson> misowned) {}

    /** The caller's merchant's stock (an admin names the merchant), in SKU order. */
    @GetMapping
    @Operation(
            summary = "List stock levels",
            operationId = "listStockLevels",
            description = "Merchants (their own) and admins (naming the merchant), in SKU order.")
    @ApiResponse(
            responseCode = "200",
            description = "A page of stock levels; next is the following page's cursor, absent on the last")
    StockPage levels(
            @RequestParam(required = false) String merchant,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            Caller caller) {
        caller.requireRole(Role.MERCHANT, Role.ADMIN);
        MerchantId owner = caller.merchantFor(merchant);
        Optional<Sku> after = Optional.ofNullable(cursor).map(Cursor::decode).map(Sku::of);
        List<StockLevel> page = inventory.levels(owner, after, limit);
        String next = page.size() == limit ? Cursor.encode(page.getLast().sku().value()) : null;
        return new StockPage(page.stream().map(StockJson::of).toList(), next);
    }

    /**
     * Proof that reserved equals the sum of live reservations and available is never negative, and that
     * every stock row is held by its product's merchant (rows that are not are repaired at start-up).
     */
    @GetMapping("/reconciliation")
    @Operation(
            summary = "Check stock counters against reservations",
            operationId = "reconcileStock",
            description = "Admins only: reserved must equal the sum of live reservations, available must not be"
                    + " negative, and every stock row must be held by its product's merchant.")
    @ApiResponse(responseCode = "200", description = "consistent, with the drift and misowned rows found")
    ReconciliationJson reconciliation(Caller caller) {
        caller.requireRole(Role.ADMIN);
        List<DriftJson> drift = inventory.reconcile().stream()
                .map(d -> new DriftJson(d.sku().value(), d.onHand(), d.reserved(), d.liveReservations()))
                .toList();
        List<MisownedJson> misowned = inventory.misowned().stream()
                .map(m -> new MisownedJson(
                        m.sku().value(),
                        m.holder().value(),
                        m.owner().map(MerchantId::value).orElse(null),
                        m.onHand()))
                .toList();
        return new ReconciliationJson(drift.isEmpty() && misowned.isEmpty(), drift, misowned);
    }

    @GetMapping("/{sku}")
    @Operation(
            summary = "Get a product's stock level",
            operationId = "getStockLevel",
            description = "The owning merchant or an admin; another merchant's stock answers 404.")
    @ApiResponse(responseCode = "200", description = "The stock level")
    StockJson level(@PathVariable String sku, Caller caller) {
        caller.requireRole(Role.MERCHANT, Role.ADMIN);
        StockLevel level = inventory.level(Sku.of(sku)).orElseThrow(() -> new NotFound("stock for sku", sku));
        // Another merchant's stock does not exist for this caller: the same answer as a missing SKU.
        if (!caller.isAdmin()
                && !caller.merchant().filter(level.merchant()::equals).isPresent()) {
            throw new NotFound("stock for sku", sku);
        }
        return StockJson.of(level);
    }

    @PutMapping("/{sku}")
    @Operation(
            summary = "Set a product's stock on hand",
            operationId = "setStockLevel",
            description = "The owning merchant or an admin. onHand may not drop below what is reserved;"
                    + " lowThreshold is optional.")
    @ApiResponse(
            responseCode = "200",
            description = "The stock level as it now stands",
            headers =
                    @Header(
                            name = ViewReads.TOKEN_HEADER,
                            description = "Tokens of the events this write produced: send them back to read it from"
                                    + " derived views (search, reorder suggestions)",
                            schema = @Schema(type = "string")))
    ResponseEntity<StockJson> set(@PathVariable String sku, @RequestBody StockInput input, Caller caller) {
        caller.requireRole(Role.MERCHANT, Role.ADMIN);
        if (input == null || input.onHand() == null) {
            throw new InvalidInput("onHand", "is required");
        }
        Sku id = Sku.of(sku);
        // Stock is the product's merchant's: a merchant sets only its own products' (another's is answered
        // like a missing one); an admin sets it for whoever owns the product.
        MerchantId merchant;
        if (caller.isAdmin()) {
            merchant = inventory.owner(id).orElseThrow(() -> new NotFound("product", sku));
            if (input.merchant() != null && !input.merchant().equals(merchant.value())) {
                throw new InvalidInput(
                        "merchant",
                        "SKU " + sku + " is a product of merchant " + merchant + ", not " + input.merchant());
            }
        } else {
            merchant = caller.merchantFor(input.merchant());
        }
        Inventory.Adjusted adjusted =
                inventory.setOnHand(merchant, id, input.onHand(), Optional.ofNullable(input.lowThreshold()));
        var response = ResponseEntity.ok();
        if (!adjusted.tokens().isEmpty()) {
            response.header(ViewReads.TOKEN_HEADER, ConsistencyToken.header(adjusted.tokens()));
        }
        return response.body(StockJson.of(adjusted.level()));
    }
}
