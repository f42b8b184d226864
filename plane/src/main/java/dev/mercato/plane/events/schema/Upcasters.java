package dev.mercato.plane.events.schema;

import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;

/**
 * Upcasters: for an event type, one function per version step that rewrites a payload of version N into
 * version N+1. A consumer reads any old event as the current version by chaining them. Immutable; build
 * with {@link #none()} and {@link #with}. A step receives its own copy of the payload and may change it
 * in place and return it.
 *
 * <pre>{@code
 * static final Upcasters UPCASTERS = Upcasters.none()
 *         .with("catalog", "product-upserted", 1, p -> ((ObjectNode) p).put("currency", "EUR"))
 *         .with("catalog", "product-upserted", 2, p -> ...);
 * Event current = UPCASTERS.upcast(event); // v1 or v2 in, v3 out
 * }</pre>
 */
public final class Upcasters {

    private static final Upcasters NONE = new Upcasters(Map.of());

    private final Map<EventType, UnaryOperator<JsonNode>> steps; // keyed by the version it reads

    private Upcasters(Map<EventType, UnaryOperator<JsonNode>> steps) {
        this.steps = steps;
    }

    /** The empty registry: every type is at the version its events carry. */
    public static Upcasters none() {
        return NONE;
    }

    /** This registry plus the step from {@code source.name.v<fromVersion>} to {@code v<fromVersion + 1>}. */
    public Upcasters with(String source, String name, int fromVersion, UnaryOperator<JsonNode> step) {
        return with(EventType.of(source, name, fromVersion), step);
    }

    /** This registry plus the step that reads {@code from} and writes {@code from.version() + 1}. */
    public Upcasters with(EventType from, UnaryOperator<JsonNode> step) {
        if (step == null) {
            throw new IllegalArgumentException("No upcaster function given for " + from);
        }
        if (steps.containsKey(from)) {
            throw new IllegalArgumentException(
                    "An upcaster from " + from + " to v" + (from.version() + 1) + " is already registered");
        }
        Map<EventType, UnaryOperator<JsonNode>> more = new LinkedHashMap<>(steps);
        more.put(from, step);
        return new Upcasters(Map.copyOf(more));
    }

    /** Both registries' steps, e.g. to combine the upcasters of several publishing capabilities. */
    public Upcasters and(Upcasters other) {
        Upcasters all = this;
        for (var step : other.steps.entrySet()) {
            all = all.with(step.getKey(), step.getValue());
        }
        return all;
    }

    /** Whether a step from {@code source.name.v<fromVersion>} to the next version is registered. */
    public boolean has(String source, String name, int fromVersion) {
        return steps.containsKey(EventType.of(source, name, fromVersion));
    }

    /** The types steps are registered from, by source, name and version. */
    public List<EventType> steps() {
        return steps.keySet().stream()
                .sorted(Comparator.comparing(EventType::source)
                        .thenComparing(EventType::name)
                        .thenComparingInt(EventType::version))
                .toList();
    }

    /**
     * The version a consumer reads: one past the highest step registered for the type, or 1 when none is.
     * The schema check requires a step below every schema version but the first, so for a publishing
     * module whose check passes this is the highest schema version.
     */
    public int currentVersion(String source, String name) {
        return steps.keySet().stream()
                .filter(t -> t.source().equals(source) && t.name().equals(name))
                .mapToInt(t -> t.version() + 1)
                .max()
                .orElse(1);
    }

    /** The event as the current version of its type ({@link #currentVersion}). */
    public Event upcast(Event event) {
        EventType type = event.type();
        int current = currentVersion(type.source(), type.name());
        if (type.version() > current) {
            throw new IllegalStateException("Cannot read " + type + ": the upcasters know " + type.atVersion(current)
                    + " as the current version, so the producer is ahead of them");
        }
        return upcast(event, current);
    }

    /**
     * The event as {@code targetVersion} of its type: the same envelope with the new type version and the
     * payload rewritten by each step in turn. An event already at that version is returned as is.
     *
     * @throws IllegalArgumentException if the event is newer than {@code targetVersion}
     * @throws IllegalStateException if a step is missing or returns something other than a JSON object
     */
    public Event upcast(Event event, int targetVersion) {
        if (event.type().version() == targetVersion) {
            return event;
        }
        JsonNode payload = upcast(event.type(), EventJson.tree(event.data()), targetVersion);
        return new Event(
                event.id(),
                event.type().atVersion(targetVersion),
                event.time(),
                event.merchant(),
                event.aggregateId(),
                event.sequence(),
                event.traceId(),
                EventJson.write(payload));
    }

    /** A payload of type {@code from} as version {@code targetVersion}; the given node is left unchanged. */
    public JsonNode upcast(EventType from, JsonNode payload, int targetVersion) {
        if (targetVersion < from.version()) {
            throw new IllegalArgumentException(
                    "Cannot upcast " + from + " to v" + targetVersion + ": upcasters only go to newer versions");
        }
        JsonNode result = payload.deepCopy();
        for (int v = from.version(); v < targetVersion; v++) {
            EventType at = from.atVersion(v);
            UnaryOperator<JsonNode> step = steps.get(at);
            if (step == null) {
                throw new IllegalStateException("Cannot upcast " + from + " to v" + targetVersion
                        + ": no upcaster from " + at + " to v" + (v + 1) + " is registered");
            }
            result = step.apply(result);
            if (result == null || !result.isObject()) {
                throw new IllegalStateException("The upcaster from " + at + " to v" + (v + 1) + " returned "
                        + (result == null ? "null" : SchemaNodes.typeOf(result)) + ", not a JSON object");
            }
        }
        return result;
    }

    @Override
    public String toString() {
        return "Upcasters"
                + steps().stream().map(t -> t + "->v" + (t.version() + 1)).toList();
    }
}
