package dev.mercato.plane;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Objects;
import java.util.regex.Pattern;

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
            // Not toPlainString(): 1e-999999999 would spell out a billion zeros.
            throw new InvalidInput("amount", currency + " has " + digits + " decimal places, got " + amount);
        }
        amount = amount.setScale(digits, RoundingMode.UNNECESSARY);
    }

    /** The most integer digits an amount may have: every store keeps money as {@code numeric(14, 4)}. */
    public static final int MAX_INTEGER_DIGITS = 10;

    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]{1," + MAX_INTEGER_DIGITS + "}(\\.[0-9]{1,18})?");

    /**
     * An amount as the API writes it, a plain decimal such as {@code 19.99}: no exponent (an {@code 1e400}
     * would be a number no store holds, and {@code 1e-999999999} one no memory does), at most {@value
     * MAX_INTEGER_DIGITS} digits before the point.
     */
    public static Money of(String amount, String currency) {
        if (amount == null || !DECIMAL.matcher(amount).matches()) {
            throw new InvalidInput(
                    "amount",
                    "must be a plain decimal number with at most " + MAX_INTEGER_DIGITS
                            + " digits before the point, such as 19.99");
        }
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
