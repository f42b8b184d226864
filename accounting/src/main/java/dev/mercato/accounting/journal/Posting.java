package dev.mercato.accounting.journal;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * What one journal entry books before it is written: its lines, checked to balance per currency here and
 * again by the database when the entry's transaction commits.
 */
record Posting(String kind, String currency, List<Line> lines) {

    enum Side {
        DEBIT,
        CREDIT;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    record Line(Account account, Side side, BigDecimal amount) {
        Line {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(side, "side");
            if (amount == null || amount.signum() <= 0) {
                throw new IllegalArgumentException("a journal line books a positive amount, got " + amount);
            }
        }
    }

    Posting {
        lines = List.copyOf(lines);
        if (lines.size() < 2) {
            throw new IllegalArgumentException("a journal entry has at least two lines, got " + lines.size());
        }
        BigDecimal debits = sum(lines, Side.DEBIT);
        BigDecimal credits = sum(lines, Side.CREDIT);
        if (debits.compareTo(credits) != 0) {
            throw new IllegalArgumentException(
                    "a " + kind + " entry must balance: debits " + debits + " against credits " + credits);
        }
    }

    /** A captured payment: the money is in (cash) and the sale is earned (revenue). */
    static Posting capture(BigDecimal amount, String currency) {
        return new Posting(
                "capture",
                currency,
                List.of(new Line(Account.CASH, Side.DEBIT, amount), new Line(Account.REVENUE, Side.CREDIT, amount)));
    }

    /** A refund reverses a capture: revenue given back, cash paid out. */
    static Posting refund(BigDecimal amount, String currency) {
        return new Posting(
                "refund",
                currency,
                List.of(new Line(Account.REVENUE, Side.DEBIT, amount), new Line(Account.CASH, Side.CREDIT, amount)));
    }

    private static BigDecimal sum(List<Line> lines, Side side) {
        return lines.stream().filter(l -> l.side() == side).map(Line::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
