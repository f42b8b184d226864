package dev.mercato.payments.events;

import dev.mercato.plane.events.EventType;
import dev.mercato.plane.web.MoneyJson;
import java.time.Instant;

/** The provider refused to authorize; nothing is held. */
public record PaymentDeclined(
        String paymentId,
        String merchant,
        String customer,
        MoneyJson amount,
        String providerReference,
        String reason,
        Instant at) {

    public static final EventType TYPE = EventType.of("payments", "payment-declined", 1);
}
