package dev.mercato.app.plane;

import dev.mercato.plane.NotFound;
import dev.mercato.plane.Periodic;
import dev.mercato.plane.consume.DerivedView;
import dev.mercato.plane.consume.DerivedWork;
import dev.mercato.plane.consume.PartitionFreshness;
import dev.mercato.plane.consume.ViewFreshness;
import dev.mercato.plane.consume.ViewRegistry;
import dev.mercato.plane.outbox.OutboxStatus;
import dev.mercato.plane.outbox.Outboxes;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The data plane's freshness as Micrometer gauges, for dashboards and alerts: per capability the outbox
 * backlog and the age of its oldest row; the slowest view's lag in events and in seconds, and each view's
 * per partition (tagged view, generation, topic, partition); and per view the poison records it skipped (views that park them instead count 0). Gauges read a snapshot refreshed at
 * most once a second, so a scrape does not hit the database for every meter.
 */
@Component
class PlaneMetrics implements MeterBinder, DisposableBean {

    private static final Duration MAX_AGE = Duration.ofSeconds(1);

    private final Outboxes outboxes;
    private final ViewRegistry views;
    private final Map<String, Object> registered = new ConcurrentHashMap<>();
    private volatile Snapshot snapshot = new Snapshot(List.of(), List.of(), Map.of(), 0);

    private record Snapshot(
            List<OutboxStatus> outboxes, List<ViewFreshness> views, Map<String, Integer> parked, long takenAt) {}

    /** One partition of one generation of a view, as the per-partition gauges are tagged. */
    private record PartitionKey(String view, int generation, String topic, int partition) {}

    private final DerivedWork work;
    private volatile MultiGauge partitionLag;
    private volatile MultiGauge partitionLagEvents;
    private volatile Set<PartitionKey> partitionRows = Set.of();
    // Registers the per-partition rows as views take their partitions, so the first scrape already has them: a
    // row registered while a scrape runs appears only in the next one.
    private volatile Periodic rows;

    PlaneMetrics(Outboxes outboxes, ViewRegistry views, DerivedWork work) {
        this.outboxes = outboxes;
        this.views = views;
        this.work = work;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String capability : outboxes.sources()) {
            outboxGauge(registry, capability, "mercato.outbox.unpublished", "rows", s -> s.unpublished());
            outboxGauge(
                    registry,
                    capability,
                    "mercato.outbox.oldest.age",
                    "seconds",
                    s -> s.oldestUnpublishedAge().toMillis() / 1000.0);
        }
        Gauge.builder("mercato.view.lag.events", this, m -> m.viewLag(true))
                .description("Events the slowest active view has not applied yet; no value (NaN) while a view"
                        + " does not know its lag (see mercato.view.lag.unknown)")
                .register(registry);
        Gauge.builder("mercato.view.lag", this, m -> m.viewLag(false) / 1000.0)
                .description("Age of the oldest event the slowest active view has not applied, in seconds; no"
                        + " value (NaN) while a view does not know its lag")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("mercato.view.lag.unknown", this, PlaneMetrics::unknownLag)
                .description("Active views that cannot say how far behind they are: no partitions yet, a log"
                        + " end not read yet, or stopped")
                .register(registry);
        if (registered.putIfAbsent("partitions", Boolean.TRUE) == null) {
            partitionLag = MultiGauge.builder("mercato.view.partition.lag")
                    .description("Age of the oldest event this view generation has not applied on the partition, in"
                            + " seconds; no value (NaN) while unknown")
                    .baseUnit("seconds")
                    .register(registry);
            partitionLagEvents = MultiGauge.builder("mercato.view.partition.lag.events")
                    .description("Events this view generation has not applied on the partition; no value (NaN)"
                            + " while the partition's log end is unknown")
                    .register(registry);
            refreshPartitions(current().views());
            // Freshness only: the rows' set, without the snapshot's queries of the database.
            rows = Periodic.start("plane-metrics-rows", Duration.ofSeconds(1), Duration.ofSeconds(5), "", () -> {
                refreshPartitions(views.freshness());
                return 0;
            });
        }
        if (registered.putIfAbsent("derived-work", Boolean.TRUE) == null) {
            FunctionCounter.builder("mercato.views.held.back", work, DerivedWork::lingered)
                    .description("Times a view held its records back to batch them because checkout was busy")
                    .register(registry);
            FunctionCounter.builder(
                            "mercato.views.slot.wait", work, w -> w.waited().toNanos() / 1e9)
                    .description("Time views waited for a slot of derived work (all views together), since start")
                    .baseUnit("seconds")
                    .register(registry);
        }
        for (DerivedView view : views.views()) {
            if (registered.putIfAbsent("parked" + view.name(), Boolean.TRUE) == null) {
                Gauge.builder("mercato.view.dead.letters", this, m -> {
                            Integer parked = m.current().parked().get(view.name());
                            return parked == null ? Double.NaN : parked;
                        })
                        .description("Events the view parked after its retries, waiting for a redrive or a discard;"
                                + " no value (NaN) for a view that logs and skips instead, or one not running")
                        .tag("view", view.name())
                        .register(registry);
            }
            if (registered.putIfAbsent("skipped" + view.name(), Boolean.TRUE) == null) {
                FunctionCounter.builder("mercato.view.skipped", view, DerivedView::skippedEvents)
                        .description("Records the view dropped as never applicable (logged), since start")
                        .tag("view", view.name())
                        .register(registry);
            }
        }
    }

    @Override
    public void destroy() {
        Periodic running = rows;
        if (running != null) {
            running.close();
        }
    }

    private void outboxGauge(
            MeterRegistry registry, String capability, String name, String unit, ToDoubleFunction<OutboxStatus> f) {
        if (registered.putIfAbsent(name + capability, Boolean.TRUE) != null) {
            return;
        }
        Gauge.builder(
                        name,
                        this,
                        m -> m.current().outboxes().stream()
                                .filter(s -> s.capability().equals(capability))
                                .mapToDouble(f)
                                .findFirst()
                                .orElse(Double.NaN))
                .tag("capability", capability)
                .baseUnit(unit)
                .register(registry);
    }

    /** The slowest active view's lag, or NaN when any active view does not know its own: never a made-up 0. */
    private double viewLag(boolean events) {
        double max = 0;
        for (ViewFreshness v : current().views()) {
            if (!v.active()) {
                continue;
            }
            long lag = events ? v.lagEvents() : v.lagMillis();
            if (lag < 0) {
                return Double.NaN;
            }
            max = Math.max(max, lag);
        }
        return max;
    }

    private double unknownLag() {
        return current().views().stream()
                .filter(ViewFreshness::active)
                .filter(v -> !v.lagKnown())
                .count();
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        long now = System.nanoTime();
        if (now - s.takenAt() > MAX_AGE.toNanos()) {
            s = new Snapshot(outboxes.status(), views.freshness(), parked(), now);
            snapshot = s;
            refreshPartitions(s.views());
        }
        return s;
    }

    /**
     * Registers one row per (view, generation, topic, partition) this process consumes, when that set changed
     * since the last snapshot (a view took its partitions, a rebuild started or was swapped in). The rows
     * read the snapshot when scraped; a scrape that changes the set shows the new rows from the next one.
     */
    private void refreshPartitions(List<ViewFreshness> views) {
        MultiGauge lag = partitionLag;
        MultiGauge lagEvents = partitionLagEvents;
        if (lag == null || lagEvents == null) {
            return;
        }
        Set<PartitionKey> keys = new LinkedHashSet<>();
        for (ViewFreshness v : views) {
            for (PartitionFreshness p : v.partitions()) {
                keys.add(new PartitionKey(v.view(), v.generation(), p.topic(), p.partition()));
            }
        }
        synchronized (this) {
            if (keys.equals(partitionRows)) {
                return;
            }
            partitionRows = Set.copyOf(keys);
            List<MultiGauge.Row<?>> seconds = new ArrayList<>();
            List<MultiGauge.Row<?>> events = new ArrayList<>();
            for (PartitionKey key : keys) {
                Tags tags = Tags.of(
                        "view", key.view(),
                        "generation", Integer.toString(key.generation()),
                        "topic", key.topic(),
                        "partition", Integer.toString(key.partition()));
                seconds.add(MultiGauge.Row.of(tags, this, m -> m.partitionLag(key, false) / 1000.0));
                events.add(MultiGauge.Row.of(tags, this, m -> m.partitionLag(key, true)));
            }
            lag.register(seconds, true);
            lagEvents.register(events, true);
        }
    }

    /** Parked events per view that parks them. */
    private Map<String, Integer> parked() {
        Map<String, Integer> parked = new java.util.HashMap<>();
        for (DerivedView view : views.views()) {
            try {
                view.deadLetters()
                        .ifPresent(d -> parked.put(view.name(), d.list().size()));
            } catch (NotFound notRunning) {
                // Not started yet, or stopped: no count rather than a made-up 0.
            }
        }
        return parked;
    }

    /** A partition's lag from the current snapshot, NaN when unknown or no longer consumed here. */
    private double partitionLag(PartitionKey key, boolean events) {
        for (ViewFreshness v : current().views()) {
            if (!v.view().equals(key.view()) || v.generation() != key.generation()) {
                continue;
            }
            for (PartitionFreshness p : v.partitions()) {
                if (p.topic().equals(key.topic()) && p.partition() == key.partition()) {
                    long lag = events ? p.lagEvents() : p.lagMillis();
                    return lag < 0 ? Double.NaN : lag;
                }
            }
        }
        return Double.NaN;
    }
}
