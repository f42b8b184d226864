package dev.mercato.accounting.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostingTest {

    @Test
    void a_capture_and_its_refund_are_mirror_images_that_each_balance() {
        Posting capture = Posting.capture(new BigDecimal("12.34"), "EUR");
        Posting refund = Posting.refund(new BigDecimal("12.34"), "EUR");

        assertThat(capture.lines())
                .containsExactly(
                        new Posting.Line(Account.CASH, Posting.Side.DEBIT, new BigDecimal("12.34")),
                        new Posting.Line(Account.REVENUE, Posting.Side.CREDIT, new BigDecimal("12.34")));
        assertThat(refund.lines())
                .containsExactly(
                        new Posting.Line(Account.REVENUE, Posting.Side.DEBIT, new BigDecimal("12.34")),
                        new Posting.Line(Account.CASH, Posting.Side.CREDIT, new BigDecimal("12.34")));
    }

    @Test
    void an_entry_that_does_not_balance_or_books_nothing_cannot_be_made() {
        assertThatThrownBy(() -> new Posting(
                        "capture",
                        "EUR",
                        List.of(
                                new Posting.Line(Account.CASH, Posting.Side.DEBIT, new BigDecimal("1.00")),
                                new Posting.Line(Account.REVENUE, Posting.Side.CREDIT, new BigDecimal("0.99")))))
                .hasMessageContaining("must balance");
        assertThatThrownBy(() -> new Posting(
                        "capture",
                        "EUR",
                        List.of(new Posting.Line(Account.CASH, Posting.Side.DEBIT, new BigDecimal("1.00")))))
                .hasMessageContaining("at least two lines");
        assertThatThrownBy(() -> Posting.capture(BigDecimal.ZERO, "EUR")).hasMessageContaining("positive");
        assertThatThrownBy(() -> Posting.capture(new BigDecimal("-3"), "EUR")).hasMessageContaining("positive");
    }

    @Test
    void amounts_are_shown_exactly_with_at_least_the_currency_digits() {
        assertThat(Journal.amount(new BigDecimal("19.9900"), "EUR")).isEqualTo("19.99");
        assertThat(Journal.amount(new BigDecimal("0.0001"), "EUR")).isEqualTo("0.0001");
        assertThat(Journal.amount(new BigDecimal("1200.0000"), "JPY")).isEqualTo("1200");
        assertThat(Journal.amount(new BigDecimal("-5.5"), "EUR")).isEqualTo("-5.50");
    }
}
