package dev.mercato.plane;

/** The caller is known but may not do this. Answered with a 403; nothing has been written. */
public class Forbidden extends RuntimeException {

    public Forbidden(String message) {
        super(message);
    }
}
