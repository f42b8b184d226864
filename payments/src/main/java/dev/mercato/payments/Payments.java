package dev.mercato.payments;

import dev.mercato.plane.events.ConsistencyToken;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The payments capability's published API. Every operation is idempotent by {@link PaymentId}: asking
 * again returns the state the first request produced and never moves money twice. The provider sees the
 * same idempotency key on every retry, so even a request whose answer was lost is not repeated.
 *
 * <p>Failures: {@link PaymentUnavailable} when the provider keeps failing (retry later with the same id),
 * {@link dev.mercato.plane.NotFound} for an unknown payment, {@link dev.mercato.plane.Conflict} ({@code
 * illegal-payment-transition}) for, say, capturing a voided payment.
 */
public interface Payments {

    /**
     * Authorizes the amount. Returns the intent {@link PaymentIntent.Status#AUTHORIZED} or {@link
     * PaymentIntent.Status#DECLINED} (with the reason); a repeat of the same id returns the first outcome.
     */
    PaymentIntent authorize(Authorization request);

    /**
     * Takes the authorized amount (on shipment). Capturing a captured payment returns it unchanged, and so
     * does capturing a refunded one (its capture happened).
     */
    PaymentIntent capture(PaymentId id);

    /**
     * Releases an authorization that was not captured. Safe to call when authorization may or may not have
     * happened (a crashed checkout): the provider is asked either way, and empty means nothing was ever
     * authorized under this id. A declined payment is returned unchanged: it holds nothing to release.
     */
    Optional<PaymentIntent> voidAuthorization(PaymentId id);

    /** Pays a captured amount back in full. Refunding a refunded payment returns it unchanged. */
    PaymentIntent refund(PaymentId id);

    Optional<PaymentIntent> find(PaymentId id);

    /**
     * The consistency token of the payment's newest event, empty for an unknown payment: a caller that
     * moved money as a side effect (shipping captures) returns it so its client can read the money move
     * back from the views that book it.
     */
    Optional<ConsistencyToken> latestEvent(PaymentId id);

    /**
     * Payments authorized per merchant and UTC day from {@code from} to {@code to} (inclusive) that were
     * captured since, for reconciling derived copies (the warehouse) with the source of truth.
     */
    List<CapturedTotal> capturedTotals(LocalDate from, LocalDate to);
}
