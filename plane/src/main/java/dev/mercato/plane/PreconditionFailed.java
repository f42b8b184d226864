package dev.mercato.plane;

/**
 * The client made its request conditional on a version ({@code If-Match}) and the thing has moved on.
 * Answered with a 412 problem+json of type {@code precondition-failed}; nothing has been written. The
 * client re-reads and decides again.
 */
public class PreconditionFailed extends RuntimeException {

    private final long currentVersion;

    public PreconditionFailed(String detail, long currentVersion) {
        super(detail);
        this.currentVersion = currentVersion;
    }

    public long currentVersion() {
        return currentVersion;
    }
}
