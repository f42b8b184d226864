package dev.mercato.accounting.journal;

import static dev.mercato.accounting.journal.Sales.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.plane.consume.Generation;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.web.MoneyJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The journal on a real PostgreSQL and broker: what captures and refunds book, once each, always balanced. */
class JournalViewIntegrationTest extends BooksTestSupport {

    static Journal.Line line(String account, String side, String amount) {
        return new Journal.Line(account, side, new MoneyJson(amount, "EUR"));
    }

    @Test
    void a_capture_books_cash_against_revenue_and_a_refund_reverses_it() throws Exception {
        start();
        Sales sale = anOrder("casa-bella", "ord-1", "19.99");
        send(sale.placed(), sale.authorized(), sale.captured(), sale.shipped());
        awaitCaughtUp();

        assertThat(wholeJournal("casa-bella", 10)).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo("capture");
            assertThat(e.orderId()).isEqualTo("ord-1");
            assertThat(e.paymentId()).isEqualTo("ord-1");
            assertThat(e.sourceType()).isEqualTo("payments.payment-captured.v1");
            assertThat(e.lines()).containsExactly(line("cash", "debit", "19.99"), line("revenue", "credit", "19.99"));
        });
        Journal.TrialBalance captured = balance("casa-bella");
        assertThat(captured.accounts())
                .containsExactly(
                        new Journal.AccountBalance("cash", "EUR", "19.99", "0.00", "19.99"),
                        new Journal.AccountBalance("revenue", "EUR", "0.00", "19.99", "-19.99"));
        assertThat(captured.totals()).containsExactly(new Journal.CurrencyTotal("EUR", "19.99", "19.99"));
        assertThat(captured.balanced()).isTrue();

        send(sale.refunded());
        awaitCaughtUp();

        List<Journal.Entry> entries = wholeJournal("casa-bella", 10);
        assertThat(entries).extracting(Journal.Entry::kind).containsExactly("capture", "refund");
        assertThat(entries.get(1).lines())
                .containsExactly(line("revenue", "debit", "19.99"), line("cash", "credit", "19.99"));
        Journal.TrialBalance refunded = balance("casa-bella");
        assertThat(refunded.accounts())
                .containsExactly(
                        new Journal.AccountBalance("cash", "EUR", "19.99", "19.99", "0.00"),
                        new Journal.AccountBalance("revenue", "EUR", "19.99", "19.99", "0.00"));
        assertThat(refunded.balanced()).isTrue();
        // Nobody else's books moved.
        assertThat(balance("other-shop").accounts()).isEmpty();
        assertThat(wholeJournal("other-shop", 10)).isEmpty();
    }

    @Test
    void authorizations_and_voids_book_nothing_and_amounts_stay_exact_in_each_currency() throws Exception {
        start();
        Sales voided = anOrder("casa-bella", "ord-void", "5.00");
        Sales yen = anOrder("casa-bella", "ord-yen", "1200").in("JPY");
        Sales fine = anOrder("casa-bella", "ord-fine", "0.0001");
        send(voided.placed(), voided.authorized(), voided.voided());
        send(yen.placed(), yen.authorized(), yen.captured(), fine.placed(), fine.authorized(), fine.captured());
        awaitCaughtUp();

        assertThat(wholeJournal("casa-bella", 10))
                .extracting(Journal.Entry::orderId)
                .containsExactlyInAnyOrder("ord-yen", "ord-fine");
        Journal.TrialBalance balance = balance("casa-bella");
        assertThat(balance.accounts())
                .contains(
                        new Journal.AccountBalance("cash", "EUR", "0.0001", "0.00", "0.0001"),
                        new Journal.AccountBalance("cash", "JPY", "1200", "0", "1200"));
        assertThat(balance.totals())
                .containsExactly(
                        new Journal.CurrencyTotal("EUR", "0.0001", "0.0001"),
                        new Journal.CurrencyTotal("JPY", "1200", "1200"));
        assertThat(balance.balanced()).isTrue();
    }

    @Test
    void a_redelivered_event_never_books_twice() throws Exception {
        start();
        Sales sale = anOrder("casa-bella", "ord-2", "40.00");
        Event captured = sale.captured();
        send(sale.placed(), sale.authorized(), captured, captured);
        send(captured);
        awaitCaughtUp();
        assertThat(wholeJournal("casa-bella", 10)).hasSize(1);

        // Below the runtime's own de-duplication: applying the same event again, or another capture of the
        // same payment, adds nothing, because entries are unique by source event and by payment and kind.
        CapabilityStore store = stores.open(name);
        Generation g = runtime.activeGeneration(name);
        store.transactions().executeWithoutResult(s -> {
            view.apply(captured, store.jdbc(), g);
            view.apply(sale.captured(), store.jdbc(), g);
        });
        assertThat(wholeJournal("casa-bella", 10)).hasSize(1);
        assertThat(balance("casa-bella").totals()).containsExactly(new Journal.CurrencyTotal("EUR", "40.00", "40.00"));
    }

    @Test
    void the_database_refuses_to_commit_an_entry_that_does_not_balance() throws Exception {
        start();
        Sales sale = anOrder("casa-bella", "ord-3", "10.00");
        send(sale.placed(), sale.authorized(), sale.captured());
        awaitCaughtUp();
        CapabilityStore store = stores.open(name);
        Generation g = runtime.activeGeneration(name);
        String entries = g.table("entries");
        String lines = g.table("lines");

        assertThatThrownBy(() -> store.transactions().executeWithoutResult(s -> {
                    insertEntry(store, entries, "bad-1");
                    insertLine(store, lines, "bad-1", 1, "cash", "debit", "10.00");
                    insertLine(store, lines, "bad-1", 2, "revenue", "credit", "9.99");
                }))
                .rootCause()
                .hasMessageContaining("does not balance");
        assertThatThrownBy(() -> store.transactions().executeWithoutResult(s -> {
                    insertEntry(store, entries, "bad-2");
                    insertLine(store, lines, "bad-2", 1, "cash", "debit", "10.00");
                }))
                .rootCause()
                .hasMessageContaining("does not balance");
        assertThatThrownBy(() -> store.transactions().executeWithoutResult(s -> insertEntry(store, entries, "bad-3")))
                .rootCause()
                .hasMessageContaining("at least 2");
        // Taking one line away from a booked entry unbalances it: refused too.
        assertThatThrownBy(() -> store.transactions()
                        .executeWithoutResult(s -> store.jdbc()
                                .sql("DELETE FROM " + lines + " WHERE line_no = 2")
                                .update()))
                .rootCause()
                .hasMessageContaining("does not balance");

        assertThat(wholeJournal("casa-bella", 10)).hasSize(1);
        assertThat(balance("casa-bella").balanced()).isTrue();
    }

    private static void insertEntry(CapabilityStore store, String entries, String id) {
        store.jdbc()
                .sql("INSERT INTO " + entries + " (entry_id, merchant_id, kind, payment_id, order_id, currency,"
                        + " source_event, source_type, at) VALUES (?, 'casa-bella', 'capture', ?, ?, 'EUR',"
                        + " gen_random_uuid(), 'test', now())")
                .params(id, id, id)
                .update();
    }

    private static void insertLine(
            CapabilityStore store, String lines, String entry, int no, String account, String side, String amount) {
        store.jdbc()
                .sql("INSERT INTO " + lines + " (entry_id, line_no, merchant_id, account, side, amount, currency)"
                        + " VALUES (?, ?, 'casa-bella', ?, ?, ?::numeric, 'EUR')")
                .params(entry, no, account, side, amount)
                .update();
    }
}
