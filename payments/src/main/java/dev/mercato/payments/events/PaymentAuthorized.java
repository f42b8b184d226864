package dev.mercato.payments.events;

import dev.mercato.plane.events.EventType;
import dev.mercato.plane.web.MoneyJson;
import java.time.Instant;

/** The provider holds the amount on the customer's card; nothing is taken yet. */
public record PaymentAuthorized(
        String paymentId, String merchant, String customer, MoneyJson amount, String providerReference, Instant at) {

    public static final EventType TYPE = EventType.of("payments", "payment-authorized", 1);
}
