package dev.mercato.app.web;

import dev.mercato.plane.admission.AdmissionLimiter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Every admission limiter (checkout, its replay lane) as meters tagged {@code limiter}: how many are inside
 * and the limit, as gauges, and how many were admitted and refused since start, as counters. A rising
 * {@code mercato.admission.refused} is load shed on purpose; an in-flight gauge pinned at the limit says the
 * instance is at capacity.
 */
@Component
class AdmissionMetrics implements MeterBinder {

    private final List<AdmissionLimiter> limiters;

    AdmissionMetrics(List<AdmissionLimiter> limiters) {
        this.limiters = List.copyOf(limiters);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (AdmissionLimiter limiter : limiters) {
            Gauge.builder("mercato.admission.in.flight", limiter, AdmissionLimiter::inFlight)
                    .tag("limiter", limiter.name())
                    .description("Requests inside the limiter now")
                    .register(registry);
            Gauge.builder("mercato.admission.limit", limiter, AdmissionLimiter::limit)
                    .tag("limiter", limiter.name())
                    .description("Requests the limiter lets inside at once")
                    .register(registry);
            Gauge.builder("mercato.admission.waiting", limiter, AdmissionLimiter::waiting)
                    .tag("limiter", limiter.name())
                    .description("Requests waiting for a place now")
                    .register(registry);
            FunctionCounter.builder("mercato.admission.admitted", limiter, AdmissionLimiter::admitted)
                    .tag("limiter", limiter.name())
                    .description("Requests admitted since start")
                    .register(registry);
            FunctionCounter.builder("mercato.admission.refused", limiter, AdmissionLimiter::refused)
                    .tag("limiter", limiter.name())
                    .description(
                            "Requests refused since start: no place freed up within the admission wait, or the line was full")
                    .register(registry);
        }
    }
}
