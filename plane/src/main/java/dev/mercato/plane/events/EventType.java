package dev.mercato.plane.events;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A logical event type: the capability that publishes it, a past-tense name and a schema version. On the
 * wire it reads {@code catalog.product-upserted.v1}.
 */
public record EventType(String source, String name, int version) {

    private static final Pattern WIRE = Pattern.compile("([a-z][a-z0-9]*)\\.([a-z][a-z0-9-]*)\\.v([1-9][0-9]*)");
    private static final Pattern SOURCE = Pattern.compile("[a-z][a-z0-9]*");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");
    /**
     * Types already parsed: every record a view reads names one of a few dozen types, and parsing was a
     * tenth of a view's time per record. Bounded, since a topic can hold any string.
     */
    private static final int PARSED_MAX = 1024;

    private static final Map<String, EventType> PARSED = new ConcurrentHashMap<>();

    public EventType {
        if (!SOURCE.matcher(source).matches() || !NAME.matcher(name).matches() || version < 1) {
            throw new IllegalArgumentException("Not an event type: " + source + "." + name + ".v" + version);
        }
    }

    public static EventType of(String source, String name, int version) {
        return new EventType(source, name, version);
    }

    public static EventType parse(String type) {
        EventType known = PARSED.get(type);
        if (known != null) {
            return known;
        }
        EventType parsed = parseNew(type);
        if (PARSED.size() < PARSED_MAX) {
            PARSED.put(type, parsed);
        }
        return parsed;
    }

    private static EventType parseNew(String type) {
        Matcher m = WIRE.matcher(type);
        if (!m.matches()) {
            throw new IllegalArgumentException("Not an event type: " + type);
        }
        return new EventType(m.group(1), m.group(2), Integer.parseInt(m.group(3)));
    }

    /** The CloudEvents {@code type}. */
    public String wire() {
        return source + "." + name + ".v" + version;
    }

    /** The same logical type at another version. */
    public EventType atVersion(int v) {
        return new EventType(source, name, v);
    }

    /** The CloudEvents {@code source}: the publishing capability. */
    public String sourceUri() {
        return "/mercato/" + source;
    }

    /**
     * The CloudEvents {@code dataschema}: the JSON Schema of this type's payload, kept in the publishing
     * capability's resources as {@code events/<source>/<name>.v<N>.schema.json} and named here by that path.
     */
    public String schemaUri() {
        return "https://mercato.dev/schemas/events/" + source + "/" + name + ".v" + version + ".schema.json";
    }

    /** The Kafka topic the publishing capability's events go to. */
    public String topic() {
        return Topics.of(source);
    }

    @Override
    public String toString() {
        return wire();
    }
}
