package dev.mercato.payments;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import java.time.Instant;
import java.util.Optional;

/**
 * A payment as payments holds it.
 *
 * @param customer who pays (the customer id, as a plain string: payments does not know customers)
 * @param providerReference the provider's id for the authorization, empty when it never got one
 * @param declineReason why the provider declined, for a {@link Status#DECLINED} payment
 */
public record PaymentIntent(
        PaymentId id,
        MerchantId merchant,
        String customer,
        Money amount,
        Status status,
        Optional<String> providerReference,
        Optional<String> declineReason,
        Instant createdAt,
        Instant updatedAt) {

    public enum Status {
        /** The amount is held on the card, not yet taken. */
        AUTHORIZED,
        /** The provider refused; nothing is held. */
        DECLINED,
        /** The amount was taken (on shipment). */
        CAPTURED,
        /** The hold was released before capture (a cancelled or failed checkout). */
        VOIDED,
        /** A captured amount was paid back. */
        REFUNDED
    }
}
