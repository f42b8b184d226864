package dev.mercato.inventory.web;

import dev.mercato.catalog.Sku;
import dev.mercato.inventory.Inventory;
import dev.mercato.inventory.StockLevel;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.consume.ViewReads;
import dev.mercato.plane.events.ConsistencyToken;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Stock levels from the source of truth, for the merchant that owns them and for admins. */
@RestController
@RequestMapping("/api/v1/inventory")
class StockController {

    private final Inventory inventory;

    StockController(Inventory inventory) {
        this.inventory = inventory;
    }

    record StockJson(String sku, String merchant, int onHand, int reserved, int available, long version) {
        static StockJson of(StockLevel l) {
            return new StockJson(
                    l.sku().value(), l.merchant().value(), l.onHand(), l.reserved(), l.available(), l.version());
        }
    }

    record StockInput(Integer onHand, String merchant) {}

    @GetMapping("/{sku}")
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
    ResponseEntity<StockJson> set(@PathVariable String sku, @RequestBody StockInput input, Caller caller) {
        caller.requireRole(Role.MERCHANT, Role.ADMIN);
        if (input.onHand() == null) {
            throw new InvalidInput("onHand", "is required");
        }
        Sku id = Sku.of(sku);
        var existing = inventory.level(id);
        var merchant = existing.isPresent() && caller.isAdmin()
                ? existing.get().merchant()
                : caller.merchantFor(input.merchant());
        if (existing.isPresent() && !existing.get().merchant().equals(merchant)) {
            throw new NotFound("stock for sku", sku);
        }
        Inventory.Adjusted adjusted = inventory.setOnHand(merchant, id, input.onHand());
        var response = ResponseEntity.ok();
        if (!adjusted.tokens().isEmpty()) {
            response.header(ViewReads.TOKEN_HEADER, ConsistencyToken.header(adjusted.tokens()));
        }
        return response.body(StockJson.of(adjusted.level()));
    }
}
