package dev.mercato.plane;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The request is well formed but the state of things refuses it: the last unit is sold, the card was
 * declined, the transition is not allowed from here. Answered with a 409 problem+json whose {@code type}
 * ends in {@link #type()} (stable, for clients to branch on) and which carries {@link #properties()}
 * (what failed, e.g. the SKUs out of stock). Whatever the refused command would have written is not.
 */
public class Conflict extends RuntimeException {

    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9-]{1,60}");

    private final String type;
    private final Map<String, Object> properties;

    public Conflict(String type, String detail) {
        this(type, detail, Map.of());
    }

    public Conflict(String type, String detail, Map<String, Object> properties) {
        super(detail);
        if (!TYPE.matcher(Objects.requireNonNull(type, "type")).matches()) {
            throw new IllegalArgumentException("A problem type is a lowercase slug, got " + type);
        }
        this.type = type;
        this.properties = new LinkedHashMap<>(properties);
    }

    /** The stable problem type, e.g. {@code out-of-stock}. */
    public String type() {
        return type;
    }

    /** Extra members of the problem document, in order. */
    public Map<String, Object> properties() {
        return Map.copyOf(properties);
    }
}
