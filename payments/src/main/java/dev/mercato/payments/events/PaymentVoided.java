package dev.mercato.payments.events;

import dev.mercato.plane.events.EventType;
import dev.mercato.plane.web.MoneyJson;
import java.time.Instant;

/** The hold was released before capture (a cancelled or failed checkout); nothing was taken. */
public record PaymentVoided(
        String paymentId, String merchant, String customer, MoneyJson amount, String providerReference, Instant at) {

    public static final EventType TYPE = EventType.of("payments", "payment-voided", 1);
}
