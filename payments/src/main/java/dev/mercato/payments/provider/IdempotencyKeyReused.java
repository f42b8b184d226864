package dev.mercato.payments.provider;

/** The idempotency key was used before for a different request; the provider did nothing. Never retried. */
public class IdempotencyKeyReused extends RuntimeException {

    private final String key;

    public IdempotencyKeyReused(String key) {
        super("Idempotency key '" + key + "' was already used for a request with other parameters");
        this.key = key;
    }

    public String key() {
        return key;
    }
}
