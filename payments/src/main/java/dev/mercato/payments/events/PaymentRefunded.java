package dev.mercato.payments.events;

import dev.mercato.plane.events.EventType;
import dev.mercato.plane.web.MoneyJson;
import java.time.Instant;

/** A captured amount was paid back in full. */
public record PaymentRefunded(
        String paymentId, String merchant, String customer, MoneyJson amount, String providerReference, Instant at) {

    public static final EventType TYPE = EventType.of("payments", "payment-refunded", 1);
}
