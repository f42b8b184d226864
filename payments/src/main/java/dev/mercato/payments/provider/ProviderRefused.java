package dev.mercato.payments.provider;

/**
 * The provider refused an operation on an authorization it knows, because of the authorization's state
 * (voiding a captured one, refunding before capture, capturing more than was held); it did nothing.
 */
public class ProviderRefused extends RuntimeException {

    private final String code;

    /** @param code a stable code, e.g. {@code already-captured}, {@code not-captured}, {@code amount-exceeds-authorized} */
    public ProviderRefused(String code, String detail) {
        super(detail);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
