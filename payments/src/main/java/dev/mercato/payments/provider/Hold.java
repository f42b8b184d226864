package dev.mercato.payments.provider;

import dev.mercato.plane.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What the provider holds for one authorization attempt, and the rules of its state: each transition
 * returns the next hold or refuses ({@link ProviderRefused}) without changing anything, so a refused
 * request leaves nothing to undo.
 *
 * @param authorizationKey the idempotency key it was authorized under (for a void by that key)
 * @param captured what was taken, once captured; null before
 * @param refunded what was paid back of the capture so far
 */
record Hold(
        String reference,
        String authorizationKey,
        Money amount,
        Map<String, String> metadata,
        Instant at,
        State state,
        Money captured,
        BigDecimal refunded) {

    enum State {
        AUTHORIZED,
        DECLINED,
        CAPTURED,
        VOIDED
    }

    Hold {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(authorizationKey, "authorizationKey");
        Objects.requireNonNull(amount, "amount");
        metadata = Map.copyOf(metadata);
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(refunded, "refunded");
    }

    static Hold of(String reference, String authorizationKey, Money amount, Map<String, String> metadata, Instant at) {
        return new Hold(reference, authorizationKey, amount, metadata, at, State.AUTHORIZED, null, BigDecimal.ZERO);
    }

    Hold declined() {
        return with(State.DECLINED, captured, refunded);
    }

    /** The payment the hold is for, as the ledger files it. */
    String payment() {
        return metadata.getOrDefault(PaymentProvider.PAYMENT_METADATA, "");
    }

    Hold capture(Money take) {
        switch (state) {
            case DECLINED -> throw refused("authorization-declined", "capture");
            case VOIDED -> throw refused("authorization-voided", "capture");
            case CAPTURED -> throw refused("already-captured", "capture");
            case AUTHORIZED -> {}
        }
        requireCurrency(take);
        if (take.amount().compareTo(amount.amount()) > 0) {
            throw new ProviderRefused(
                    "amount-exceeds-authorized",
                    "Cannot capture " + take + " of " + reference + ": only " + amount + " is authorized");
        }
        return with(State.CAPTURED, take, refunded);
    }

    Hold release() {
        switch (state) {
            case DECLINED -> throw refused("authorization-declined", "void");
            case CAPTURED -> throw refused("already-captured", "void");
            case VOIDED -> throw refused("already-voided", "void");
            case AUTHORIZED -> {}
        }
        return with(State.VOIDED, captured, refunded);
    }

    Hold refund(Money payBack) {
        if (state != State.CAPTURED) {
            throw refused("not-captured", "refund");
        }
        requireCurrency(payBack);
        BigDecimal after = refunded.add(payBack.amount());
        if (after.compareTo(captured.amount()) > 0) {
            throw new ProviderRefused(
                    "refund-exceeds-captured",
                    "Cannot refund " + payBack + " of " + reference + ": " + captured + " was captured and "
                            + refunded.toPlainString() + " already refunded");
        }
        return with(state, captured, after);
    }

    private Hold with(State next, Money nextCaptured, BigDecimal nextRefunded) {
        return new Hold(reference, authorizationKey, amount, metadata, at, next, nextCaptured, nextRefunded);
    }

    private void requireCurrency(Money other) {
        if (!amount.currency().equals(other.currency())) {
            throw new ProviderRefused(
                    "currency-mismatch", reference + " is in " + amount.currency() + ", not " + other.currency());
        }
    }

    private ProviderRefused refused(String code, String operation) {
        return new ProviderRefused(code, "Cannot " + operation + " " + reference + ": " + code.replace('-', ' '));
    }
}
