package dev.mercato.payments.provider;

/** The provider has no authorization with this id; it did nothing. */
public class UnknownAuthorization extends RuntimeException {

    private final String authorization;

    public UnknownAuthorization(String authorization) {
        super("The provider has no authorization '" + authorization + "'");
        this.authorization = authorization;
    }

    public String authorization() {
        return authorization;
    }
}
