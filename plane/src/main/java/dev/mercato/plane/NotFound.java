package dev.mercato.plane;

/** The thing asked for does not exist, or the caller may not know that it does. Answered with a 404. */
public class NotFound extends RuntimeException {

    private final String kind;

    public NotFound(String kind, String id) {
        super("No " + kind + " '" + id + "'");
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }
}
