package dev.mercato.payments.provider;

import dev.mercato.payments.PaymentMethod;
import dev.mercato.plane.Money;
import java.util.Map;
import java.util.Optional;

/**
 * The payment provider as payments sees it: an outside party reached over a network. Every call carries an
 * idempotency key chosen by the caller; the provider answers a repeat of a key with the first answer and
 * acts once, so a caller that lost an answer asks again with the same key and never moves money twice.
 *
 * <p>Failures every call may throw: {@link TransientProviderFailure} (the request failed or its answer was
 * lost: whether the provider acted is unknown, so retry with the same key), {@link IdempotencyKeyReused}
 * (the key was used before for another request: a bug in the caller, never retry). Capture, void and
 * refund may also throw {@link UnknownAuthorization} and {@link ProviderRefused}. A decline is an answer,
 * not a failure.
 */
public interface PaymentProvider {

    /** The metadata entry naming the payment an authorization is for; the ledger files movements under it. */
    String PAYMENT_METADATA = "payment";

    /**
     * Holds {@code amount} on the card.
     *
     * @param metadata the caller's own data kept with the authorization and given back with it, as real
     *     providers do: payments stores the payment, merchant and customer there
     */
    AuthorizationResult authorize(
            String idempotencyKey, Money amount, PaymentMethod method, Map<String, String> metadata);

    /** Takes up to the authorized amount, once per authorization. */
    ProviderCapture capture(String idempotencyKey, String authorization, Money amount);

    /** Releases an authorization that was not captured. */
    ProviderVoid voidAuthorization(String idempotencyKey, String authorization);

    /**
     * Releases the authorization made under the idempotency key {@code authorizationKey}, for a caller that
     * never got the authorization's answer (a technical cancel, in some providers' words). Empty when
     * nothing is held under that key: nothing was authorized, or the attempt was declined.
     */
    Optional<ProviderVoid> voidByAuthorizationKey(String idempotencyKey, String authorizationKey);

    /** Pays back part or all of a captured amount; refunds of one authorization add up to its capture at most. */
    ProviderRefund refund(String idempotencyKey, String authorization, Money amount);
}
