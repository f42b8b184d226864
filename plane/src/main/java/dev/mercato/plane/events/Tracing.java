package dev.mercato.plane.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How events carry a trace from the request that wrote them to the views that apply them: the outbox stores
 * the current W3C {@code traceparent} with each event ({@link #current()}), the log carries it as the
 * CloudEvents distributed-tracing extension, and the relay and the views report one span per event of a
 * sampled trace ({@link #record}), as children of the context the event carries. The process installs its
 * tracer once at start ({@link #use}); until then, and in tools and tests that install none, events carry no
 * trace and nothing is recorded.
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

    private static final Tracer NONE = new Tracer() {
        @Override
        public String current() {
            return "";
        }

        @Override
        public void record(String name, List<Event> events, Instant started, Instant ended) {}
    };

    private static volatile Tracer tracer = NONE;

    private Tracing() {}

    /** Installs the process's tracer; {@code null} removes it. */
    public static void use(Tracer installed) {
        tracer = installed == null ? NONE : installed;
    }

    /** The current thread's traceparent, or "" when there is none or no tracer is installed. */
    public static String current() {
        try {
            return Objects.requireNonNullElse(tracer.current(), "");
        } catch (RuntimeException e) {
            // A trace is never worth failing a write for.
            return "";
        }
    }

    /** Whether a traceparent's trace is sampled (flags end in 1): only those get spans recorded. */
    public static boolean sampled(String traceparent) {
        return traceparent != null && traceparent.length() == 55 && (traceparent.charAt(54) & 1) == 1;
    }

    /** Records {@code name} for the sampled events among {@code events}; never throws. */
    public static void record(String name, List<Event> events, Instant started, Instant ended) {
        Tracer t = tracer;
        if (t == NONE) {
            return;
        }
        for (Event e : events) {
            if (sampled(e.traceId())) {
                try {
                    t.record(name, events, started, ended);
                } catch (RuntimeException ignored) {
                    // Tracing must not fail the relay or a view.
                }
                return;
            }
        }
    }
}
