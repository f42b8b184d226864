package dev.mercato.plane;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Objects;

/**
 * An amount in one ISO 4217 currency, kept at the currency's minor unit. Shared by the kernel because the
 * API contract gives every capability the same money shape ({@code {"amount": "19.99", "currency":
 * "EUR"}}).
 */
public record Money(BigDecimal amount, String currency) {

    public Money {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
        Currency iso;
        try {
            iso = Currency.getInstance(currency);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("currency", "'" + currency + "' is not an ISO 4217 currency code");
        }
        int digits = Math.max(iso.getDefaultFractionDigits(), 0);
        if (amount.scale() > digits && amount.stripTrailingZeros().scale() > digits) {
            throw new InvalidInput(
                    "amount", currency + " has " + digits + " decimal places, got " + amount.toPlainString());
        }
        amount = amount.setScale(digits, RoundingMode.UNNECESSARY);
    }

    public static Money of(String amount, String currency) {
        try {
            return new Money(new BigDecimal(amount), currency);
        } catch (NumberFormatException e) {
            throw new InvalidInput("amount", "'" + amount + "' is not a decimal number");
        }
    }

    public boolean isNegative() {
        return amount.signum() < 0;
    }

    @Override
    public String toString() {
        return amount.toPlainString() + " " + currency;
    }
}
