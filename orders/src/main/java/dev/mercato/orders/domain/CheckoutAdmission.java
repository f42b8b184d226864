package dev.mercato.orders.domain;

import dev.mercato.plane.admission.AdmissionLimiter;
import java.util.Objects;

/**
 * Who may start a checkout now. {@code checkouts} bounds the checkouts running at once (a request that finds
 * no place within the admission wait is refused 503 {@code checkout-overloaded} before any store is read);
 * {@code replays} bounds the cheap reads with which a refused request still gets the stored answer of a key
 * that was decided already, so a retry of a finished checkout is not turned away, and a flood of refused
 * requests cannot turn into a flood of reads.
 */
public record CheckoutAdmission(AdmissionLimiter checkouts, AdmissionLimiter replays) {

    public CheckoutAdmission {
        Objects.requireNonNull(checkouts, "checkouts");
        Objects.requireNonNull(replays, "replays");
    }

    /** No admission control: for tests and tools that drive checkout directly. */
    public static CheckoutAdmission unlimited() {
        return new CheckoutAdmission(
                AdmissionLimiter.unlimited("checkout"), AdmissionLimiter.unlimited("checkout-replay"));
    }
}
