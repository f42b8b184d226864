package dev.mercato.plane.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * How events carry a trace from the request that wrote them to the views that apply them: the outbox stores
 * the current W3C {@code traceparent} with each event ({@link #current()}), the log carries it as the
 * CloudEvents distributed-tracing extension, and the relay and the views report one span per event of a
 * sampled trace ({@link #record}), as children of the context the event carries. The platform installs its
 * tracer at start ({@link #use}) and removes it at stop; until then, and in tools and tests that install none,
 * events carry no trace and nothing is recorded.
 */
public final class Tracing {

    /** Where traces go: the current context, and spans recorded after the fact. */
    public interface Tracer {
        /** The current thread's trace as a W3C traceparent ({@code 00-<trace>-<span>-<flags>}), or "". */
        String current();

        /**
         * A span named {@code name}, from {@code started} to {@code ended}, for each event in {@code events}
         * whose trace is sampled, as a child of that event's traceparent.
         */
        void record(String name, List<Event> events, Instant started, Instant ended);
    }

    // One per running platform in this JVM: one in production; tests may run several Spring contexts at once,
    // and each must see the spans of its own requests' events.
    private static final List<Tracer> tracers = new CopyOnWriteArrayList<>();

    private Tracing() {}

    /** Installs a platform's tracer. */
    public static void use(Tracer installed) {
        tracers.add(Objects.requireNonNull(installed, "installed"));
    }

    /** Removes a tracer installed with {@link #use}, when its platform stops. */
    public static void remove(Tracer installed) {
        tracers.remove(installed);
    }

    /** The current thread's traceparent, or "" when there is none or no tracer is installed. */
    public static String current() {
        for (Tracer t : tracers) {
            try {
                String current = t.current();
                if (current != null && !current.isEmpty()) {
                    return current;
                }
            } catch (RuntimeException e) {
                // A trace is never worth failing a write for.
            }
        }
        return "";
    }

    /** Whether a traceparent's trace is sampled (flags end in 1): only those get spans recorded. */
    public static boolean sampled(String traceparent) {
        return traceparent != null && traceparent.length() == 55 && (traceparent.charAt(54) & 1) == 1;
    }

    /**
     * Records {@code name} for the sampled events among {@code events} (callers pass every event they handled),
     * with every installed tracer; never throws.
     */
    public static void record(String name, List<Event> events, Instant started, Instant ended) {
        if (tracers.isEmpty() || events.stream().noneMatch(e -> sampled(e.traceId()))) {
            return;
        }
        for (Tracer t : tracers) {
            try {
                t.record(name, events, started, ended);
            } catch (RuntimeException ignored) {
                // Tracing must not fail the relay or a view.
            }
        }
    }
}
