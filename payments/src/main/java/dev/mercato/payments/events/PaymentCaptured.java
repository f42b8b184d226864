package dev.mercato.payments.events;

import dev.mercato.plane.events.EventType;
import dev.mercato.plane.web.MoneyJson;
import java.time.Instant;

/** The authorized amount was taken (on shipment). */
public record PaymentCaptured(
        String paymentId, String merchant, String customer, MoneyJson amount, String providerReference, Instant at) {

    public static final EventType TYPE = EventType.of("payments", "payment-captured", 1);
}
