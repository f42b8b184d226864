package dev.mercato.payments.provider;

/**
 * The provider could not be reached, failed, or its answer did not arrive. The caller cannot tell whether
 * it acted (the {@link #kind()} is what the simulation knows, for tests and logs); the only safe reaction
 * is to ask again with the same idempotency key.
 */
public class TransientProviderFailure extends RuntimeException {

    public enum Kind {
        /** The request failed before the provider acted (connection refused, 503). */
        REQUEST_FAILED,
        /** The provider acted but its answer was lost (a timeout): the failure that double-charges careless clients. */
        ANSWER_LOST
    }

    private final Kind kind;

    public TransientProviderFailure(Kind kind, String detail) {
        super(detail);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
