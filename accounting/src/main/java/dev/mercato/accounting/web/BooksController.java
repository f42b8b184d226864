package dev.mercato.accounting.web;

import dev.mercato.accounting.journal.Journal;
import dev.mercato.accounting.journal.JournalView;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.consume.ViewReads;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
import dev.mercato.plane.web.Cursor;
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
    ResponseEntity<JournalPage> journal(
            @RequestParam(required = false) String merchant,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            @RequestHeader(name = ViewReads.TOKEN_HEADER, required = false) String tokens,
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
    ResponseEntity<TrialBalanceJson> trialBalance(
            @RequestParam(required = false) String merchant,
            @RequestHeader(name = ViewReads.TOKEN_HEADER, required = false) String tokens,
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
