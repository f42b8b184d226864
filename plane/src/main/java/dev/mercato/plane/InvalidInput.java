package dev.mercato.plane;

/**
 * Input that breaks a rule, naming the field at fault. The HTTP layer answers it with a 400
 * problem+json; nothing has been written when it is thrown.
 */
public class InvalidInput extends RuntimeException {

    private final String field;

    public InvalidInput(String field, String message) {
        super(field + " " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
