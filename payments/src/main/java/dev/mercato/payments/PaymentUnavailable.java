package dev.mercato.payments;

import dev.mercato.plane.Unavailable;
import java.time.Duration;

/**
 * The provider did not answer (or failed) after payments' own retries. Whether the provider acted is
 * unknown; asking again with the same {@link PaymentId} is safe, since the provider recognises the key.
 */
public class PaymentUnavailable extends Unavailable {

    public PaymentUnavailable(String detail) {
        super("payment-provider-unavailable", detail, Duration.ofSeconds(1));
    }
}
