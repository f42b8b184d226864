package dev.mercato.payments;

import dev.mercato.plane.Money;
import java.time.Instant;
import java.util.List;

/**
 * Every money movement the payment provider performed, as the provider itself records it: the evidence a
 * test or an operator checks to prove that no order was charged twice. Only the simulated provider
 * offers it; a real provider's ledger lives in its own dashboard.
 */
public interface ProviderLedger {

    List<Entry> entries();

    /** The movements of one payment, in the order they happened: what a test checks per order. */
    default List<Entry> entries(PaymentId payment) {
        return entries().stream()
                .filter(e -> e.payment().equals(payment.value()))
                .toList();
    }

    /**
     * @param idempotencyKey the key the request came with (one per payment and operation)
     * @param payment the payment the movement belongs to
     * @param reference the provider's id of the authorization it concerns
     */
    record Entry(String idempotencyKey, Kind kind, String payment, String reference, Money amount, Instant at) {}

    enum Kind {
        AUTHORIZATION,
        CAPTURE,
        VOID,
        REFUND
    }
}
