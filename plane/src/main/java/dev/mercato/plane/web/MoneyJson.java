package dev.mercato.plane.web;

import dev.mercato.plane.Money;

/** Money on the wire: a decimal string, never a binary floating-point number. */
public record MoneyJson(String amount, String currency) {

    public static MoneyJson of(Money money) {
        return new MoneyJson(money.amount().toPlainString(), money.currency());
    }

    public Money toMoney() {
        return Money.of(amount, currency);
    }
}
