package dev.mercato.accounting.journal;

import java.util.Arrays;

/**
 * The chart of accounts. Cash and revenue are what payments book today; {@code tax-payable} is in the
 * chart (and allowed by the lines table) but nothing books it, because no order or payment event carries
 * tax: accounting books what the events say and invents nothing.
 */
public enum Account {
    CASH("cash"),
    REVENUE("revenue"),
    TAX_PAYABLE("tax-payable");

    private final String wire;

    Account(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    static String sqlList() {
        return String.join(
                ", ", Arrays.stream(values()).map(a -> "'" + a.wire + "'").toList());
    }
}
