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
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "Inventory")
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
    @Operation(
            summary = "List my reorder suggestions",
            operationId = "listReorderSuggestions",
            description = "Merchants (their own) and admins (naming the merchant); open ones unless status is closed"
                    + " or all. From the reorder view: fast but it may lag. Mercato-Freshness says how far behind it"
                    + " is; send the Mercato-Consistency-Token of a stock change to see it.")
    @ApiResponse(
            responseCode = "200",
            description = "A page of suggestions; next is the following page's cursor, absent on the last",
            headers =
                    @Header(
                            name = ViewReads.FRESHNESS_HEADER,
                            description = "lag-ms=<n>; as-of=<time>, with ; stale when the read may miss writes"
                                    + " (a token's write not applied in time, or a lag the view cannot tell)",
                            schema = @Schema(type = "string")))
    ResponseEntity<SuggestionPage> mine(
            @RequestParam(required = false) String merchant,
            @RequestParam(defaultValue = "open") String status,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            @Parameter(
                            description = "Tokens of your own writes (comma-separated): the view waits up to 2 s for"
                                    + " them, else answers marked stale")
                    @RequestHeader(name = ViewReads.TOKEN_HEADER, required = false)
                    String tokens,
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
