package dev.mercato.app.plane;

import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.Tracing;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * The plane's events carry the request's trace (Micrometer Tracing over OpenTelemetry): the outbox stores the
 * current span as a W3C traceparent, and the relay's publish and each view's apply become spans of that trace,
 * so one checkout shows as one trace from {@code POST /api/v1/orders} to the account view. Spans are recorded
 * only for sampled traces ({@code management.tracing.sampling.probability}, or the caller's own sampled
 * {@code traceparent}), and exported over OTLP when {@code management.opentelemetry.tracing.export.otlp.endpoint}
 * is set.
 */
@Component
class EventTracing implements Tracing.Tracer, InitializingBean, DisposableBean {

    private static final String TRACEPARENT = "traceparent";

    private final Tracer tracer;
    private final Propagator propagator;

    EventTracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    @Override
    public void afterPropertiesSet() {
        Tracing.use(this);
    }

    @Override
    public void destroy() {
        Tracing.remove(this);
    }

    @Override
    public String current() {
        Span span = tracer.currentSpan();
        if (span == null || span.isNoop()) {
            return "";
        }
        TraceContext context = span.context();
        return "00-" + context.traceId() + "-" + context.spanId() + "-"
                + (Boolean.TRUE.equals(context.sampled()) ? "01" : "00");
    }

    @Override
    public void record(String name, List<Event> events, Instant started, Instant ended) {
        Span.Kind kind = name.startsWith("publish") ? Span.Kind.PRODUCER : Span.Kind.CONSUMER;
        for (Event event : events) {
            if (!Tracing.sampled(event.traceId())) {
                continue;
            }
            Span span = propagator
                    .extract(Map.of(TRACEPARENT, event.traceId()), (carrier, key) -> carrier.get(key))
                    .name(name)
                    .kind(kind)
                    .tag("messaging.system", "kafka")
                    .tag("messaging.destination.name", event.type().topic())
                    .tag("mercato.event.type", event.type().wire())
                    .tag("mercato.event.stream", event.streamKey())
                    .tag("mercato.event.sequence", Long.toString(event.sequence()))
                    .startTimestamp(micros(started), TimeUnit.MICROSECONDS)
                    .start();
            span.end(micros(ended), TimeUnit.MICROSECONDS);
        }
    }

    private static long micros(Instant t) {
        return TimeUnit.SECONDS.toMicros(t.getEpochSecond()) + t.getNano() / 1_000;
    }
}
