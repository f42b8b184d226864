package dev.mercato.inventory.web;

import dev.mercato.catalog.Sku;
import dev.mercato.inventory.reorder.ReorderSuggestions;
import dev.mercato.inventory.reorder.ReorderView;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.consume.ViewReads;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
import dev.mercato.plane.web.Cursor;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What a merchant should reorder, from the derived reorder view (it may lag stock changes; every answer
 * says how fresh it is). {@code GET /api/v1/inventory/{sku}} is the source of truth for the levels.
 */
@RestController
class ReorderController {

    private final ReorderSuggestions suggestions;
    private final ViewReads reads;

    ReorderController(ReorderSuggestions suggestions, ViewReads reads) {
        this.suggestions = suggestions;
        this.reads = reads;
    }

    record SuggestionPage(String merchant, List<ReorderSuggestions.Suggestion> items, String next) {}

    /** Open suggestions by default; {@code status=closed} or {@code status=all} for the others. */
    @GetMapping("/api/v1/merchants/me/reorder-suggestions")
    ResponseEntity<SuggestionPage> mine(
            @RequestParam(required = false) String merchant,
            @RequestParam(defaultValue = "open") String status,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            @RequestHeader(name = ViewReads.TOKEN_HEADER, required = false) String tokens,
            Caller caller) {
        caller.requireRole(Role.MERCHANT, Role.ADMIN);
        MerchantId owner = caller.merchantFor(merchant);
        if (limit < 1 || limit > 200) {
            throw new InvalidInput("limit", "must be 1-200, got " + limit);
        }
        Optional<ReorderSuggestions.Status> wanted = status(status);
        Optional<String> after =
                Optional.ofNullable(cursor).map(Cursor::decode).map(Sku::of).map(Sku::value);
        ViewReads.Freshness freshness = reads.before(ReorderView.NAME, tokens);
        List<ReorderSuggestions.Suggestion> page = suggestions.of(owner, wanted, after, limit);
        String next = page.size() == limit ? Cursor.encode(page.getLast().sku()) : null;
        return ResponseEntity.ok()
                .header(ViewReads.FRESHNESS_HEADER, freshness.header())
                .body(new SuggestionPage(owner.value(), page, next));
    }

    private static Optional<ReorderSuggestions.Status> status(String status) {
        if (status.equals("all")) {
            return Optional.empty();
        }
        return Optional.of(Arrays.stream(ReorderSuggestions.Status.values())
                .filter(s -> s.wire().equals(status))
                .findFirst()
                .orElseThrow(() -> new InvalidInput("status", "must be open, closed or all, got " + status)));
    }
}
