package dev.mercato.accounting.web;

import dev.mercato.accounting.journal.Journal;
import dev.mercato.accounting.journal.JournalView;
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
import java.util.List;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A merchant's books: its journal and trial balance, from accounting's derived view (it may lag the
 * payments that booked them, and every answer says how fresh it is). A merchant sees its own books; an
 * admin names the merchant.
 */
@RestController
@Tag(
        name = "Books",
        description = "A merchant's double-entry books (journal and trial balance) from accounting's view, which may"
                + " lag the payments that booked them; every answer says how fresh it is.")
class BooksController {

    private final Journal journal;
    private final ViewReads reads;

    BooksController(Journal journal, ViewReads reads) {
        this.journal = journal;
        this.reads = reads;
    }

    record JournalPage(String merchant, List<Journal.Entry> items, String next) {}

    record TrialBalanceJson(
            String merchant,
            List<Journal.AccountBalance> accounts,
            List<Journal.CurrencyTotal> totals,
            boolean balanced) {}

    @GetMapping("/api/v1/merchants/me/journal")
    @Operation(
            summary = "List my journal entries",
            operationId = "listJournalEntries",
            description = "Merchants (their own) and admins (naming the merchant). From the journal view: it may lag;"
                    + " send the Mercato-Consistency-Token of an order move to see its booking.")
    @ApiResponse(
            responseCode = "200",
            description = "A page of journal entries; next is the following page's cursor, absent on the last",
            headers =
                    @Header(
                            name = ViewReads.FRESHNESS_HEADER,
                            description = "lag-ms=<n>; as-of=<time>, with ; stale when the read may miss writes"
                                    + " (a token's write not applied in time, or a lag the view cannot tell)",
                            schema = @Schema(type = "string")))
    ResponseEntity<JournalPage> journal(
            @RequestParam(required = false) String merchant,
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
        Optional<Journal.Position> after =
                Optional.ofNullable(cursor).map(Cursor::decode).map(Journal.Position::decode);
        ViewReads.Freshness freshness = reads.before(JournalView.NAME, tokens);
        List<Journal.Entry> page = journal.entries(owner, after, limit);
        String next = page.size() == limit
                ? Cursor.encode(
                        new Journal.Position(page.getLast().at(), page.getLast().id()).encode())
                : null;
        return ResponseEntity.ok()
                .header(ViewReads.FRESHNESS_HEADER, freshness.header())
                .body(new JournalPage(owner.value(), page, next));
    }

    @GetMapping("/api/v1/merchants/me/trial-balance")
    @Operation(
            summary = "Get my trial balance",
            operationId = "getTrialBalance",
            description = "Merchants (their own) and admins (naming the merchant): the balance of every account and"
                    + " whether debits equal credits per currency. From the journal view: it may lag.")
    @ApiResponse(
            responseCode = "200",
            description = "The trial balance",
            headers =
                    @Header(
                            name = ViewReads.FRESHNESS_HEADER,
                            description = "lag-ms=<n>; as-of=<time>, with ; stale when the read may miss writes"
                                    + " (a token's write not applied in time, or a lag the view cannot tell)",
                            schema = @Schema(type = "string")))
    ResponseEntity<TrialBalanceJson> trialBalance(
            @RequestParam(required = false) String merchant,
            @Parameter(
                            description = "Tokens of your own writes (comma-separated): the view waits up to 2 s for"
                                    + " them, else answers marked stale")
                    @RequestHeader(name = ViewReads.TOKEN_HEADER, required = false)
                    String tokens,
            Caller caller) {
        caller.requireRole(Role.MERCHANT, Role.ADMIN);
        MerchantId owner = caller.merchantFor(merchant);
        ViewReads.Freshness freshness = reads.before(JournalView.NAME, tokens);
        Journal.TrialBalance balance = journal.trialBalance(owner);
        return ResponseEntity.ok()
                .header(ViewReads.FRESHNESS_HEADER, freshness.header())
                .body(new TrialBalanceJson(owner.value(), balance.accounts(), balance.totals(), balance.balanced()));
    }
}
