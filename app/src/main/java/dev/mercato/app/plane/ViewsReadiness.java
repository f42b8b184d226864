package dev.mercato.app.plane;

import dev.mercato.plane.consume.DerivedView;
import dev.mercato.plane.consume.ViewFreshness;
import dev.mercato.plane.consume.ViewRegistry;
import dev.mercato.plane.consume.ViewState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Whether every derived view this process runs has started consuming: it holds its partitions and has
 * applied everything up to the log end it read at its start. Until then its reads would be served from
 * whatever the last run left, so the health component {@code views} is OUT_OF_SERVICE, which keeps
 * {@code /actuator/health} and the readiness group ({@code /actuator/health/readiness}) from passing;
 * liveness ({@code /actuator/health/liveness}) does not look at it, so a process that is catching up is
 * not restarted for it.
 *
 * <p>Once a view has started it counts as started for good: falling behind later under load, or a
 * rebalance that moves partitions between instances, is what freshness reports, not a reason to take the
 * instance out of service.
 */
@Component("viewsHealthIndicator") // the health component "views"
public class ViewsReadiness implements HealthIndicator, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ViewsReadiness.class);

    private final ViewRegistry views;
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    ViewsReadiness(ViewRegistry views) {
        this.views = views;
    }

    /** Every view that has not started consuming yet, with what it waits for; empty when all have. */
    public Map<String, String> waiting() {
        Map<String, String> waiting = new LinkedHashMap<>();
        for (DerivedView view : views.views()) {
            if (started.contains(view.name())) {
                continue;
            }
            Optional<ViewFreshness> active =
                    view.freshness().stream().filter(ViewFreshness::active).findFirst();
            if (active.isPresent() && active.get().started()) {
                started.add(view.name());
            } else {
                waiting.put(view.name(), active.map(ViewsReadiness::waitsFor).orElse("not started"));
            }
        }
        return waiting;
    }

    public boolean ready() {
        return waiting().isEmpty();
    }

    /** Logs once every view is consuming, for a start-up that ended before they were (checked twice a second). */
    void announceWhenReady() {
        Thread.ofVirtual().name("views-readiness").start(() -> {
            while (!closed) {
                if (ready()) {
                    log.info("Every view is consuming: Mercato is ready");
                    return;
                }
                LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
            }
        });
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public Health health() {
        Map<String, String> waiting = waiting();
        return (waiting.isEmpty() ? Health.up() : Health.outOfService())
                .withDetail("views", views.names().size())
                .withDetail("waitingFor", waiting)
                .build();
    }

    private static String waitsFor(ViewFreshness f) {
        if (f.state() == ViewState.STOPPED || f.state() == ViewState.PAUSED) {
            return f.state().name().toLowerCase();
        }
        if (f.partitions().isEmpty()) {
            return "no partitions assigned yet";
        }
        long unread = f.partitions().stream().filter(p -> p.logEndOffset() < 0).count();
        if (unread > 0) {
            return "the log end of " + unread + " of " + f.partitions().size() + " partitions not read yet";
        }
        long behind = f.partitions().stream().filter(p -> !p.started()).count();
        return "catching up with the log end read at start on " + behind + " of "
                + f.partitions().size() + " partitions (" + f.lagEvents() + " events behind now)";
    }
}
