package dev.mercato.app.plane;

import dev.mercato.app.MercatoSettings;
import dev.mercato.app.stores.KafkaAddress;
import dev.mercato.plane.Periodic;
import dev.mercato.plane.admission.AdmissionLimiter;
import dev.mercato.plane.batch.WriteBatches;
import dev.mercato.plane.consume.DerivedWork;
import dev.mercato.plane.consume.LogSource;
import dev.mercato.plane.consume.StandaloneView;
import dev.mercato.plane.consume.View;
import dev.mercato.plane.consume.ViewFreshness;
import dev.mercato.plane.consume.ViewReads;
import dev.mercato.plane.consume.ViewRegistry;
import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.plane.consume.ViewSettings;
import dev.mercato.plane.consume.ViewState;
import dev.mercato.plane.consume.WritePressure;
import dev.mercato.plane.events.Topics;
import dev.mercato.plane.kafka.DurabilitySettings;
import dev.mercato.plane.kafka.KafkaPublisher;
import dev.mercato.plane.kafka.LogTopics;
import dev.mercato.plane.kafka.ViewConsumerLoop;
import dev.mercato.plane.outbox.Outboxes;
import dev.mercato.plane.outbox.RelaySettings;
import dev.mercato.plane.outbox.SequenceRetentionSettings;
import dev.mercato.plane.postgres.PostgresStores;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/** The kernel's beans. Relays close before the publisher, which closes before the broker. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PlaneConfiguration.PlaneSettings.class)
class PlaneConfiguration {

    /**
     * @param partitions partitions of each capability's topic (fixed once the topic exists)
     * @param relayBatchSize outbox rows published per round
     * @param relayPollInterval how long a relay waits for a NOTIFY before looking anyway
     * @param outboxRetention how long published outbox rows are kept
     * @param outboxAlertAfter the age of the oldest unpublished row that raises the backlog alert
     * @param viewConcurrency rounds of derived work (all views together) run at once; 0 means half the
     *     machine's cores, at least one
     * @param viewLinger the longest a view holds records back to batch them while the write path is busy
     * @param viewShare the fraction of derived work's slots views may use while the write path is busy
     * @param viewMaxDelay the age of a waiting record past which its view applies it whatever the write path
     *     does: how late a sustained peak can make a view
     * @param relayLinger the pause between a relay's rounds while the write path is busy, so rows gather
     * @param viewKeyRetention how long a view remembers a key's progress after its last event (to skip
     *     copies of events published twice); far longer than a relay can be down
     * @param sequenceRetention how long an aggregate must have appended nothing (and have no outbox row left)
     *     before its row in outbox_sequences is forgotten; it then resumes above the capability's floor
     * @param sequenceSweepInterval how often idle sequence rows are looked for
     * @param sequenceSweepBatchSize sequence rows deleted per transaction
     * @param viewsStartWait how long start-up waits for every view to consume before it ends anyway, not
     *     ready (readiness turns UP once they do)
     */
    @ConfigurationProperties("mercato.plane")
    record PlaneSettings(
            @DefaultValue("8") int partitions,
            @DefaultValue("10000") int relayBatchSize,
            @DefaultValue("500ms") Duration relayPollInterval,
            @DefaultValue("24h") Duration outboxRetention,
            @DefaultValue("30s") Duration outboxAlertAfter,
            @DefaultValue("0") int viewConcurrency,
            @DefaultValue("200ms") Duration viewLinger,
            @DefaultValue("0.1") double viewShare,
            @DefaultValue("30s") Duration viewMaxDelay,
            @DefaultValue("7d") Duration viewKeyRetention,
            @DefaultValue("50ms") Duration relayLinger,
            @DefaultValue("30d") Duration sequenceRetention,
            @DefaultValue("1h") Duration sequenceSweepInterval,
            @DefaultValue("1000") int sequenceSweepBatchSize,

            @DefaultValue("60s") Duration viewsStartWait) {}

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    KafkaPublisher kafkaPublisher(
            KafkaAddress kafka,
            PlaneSettings settings,
            DurabilitySettings durability,
            org.springframework.beans.factory.ObjectProvider<io.micrometer.core.instrument.MeterRegistry> metrics) {
        var publisher = new KafkaPublisher(kafka::bootstrapServers, settings.partitions(), durability);
        metrics.ifAvailable(publisher::recordMetrics);
        return publisher;
    }

    /**
     * The write path is busy while half or more of a write limiter's places are taken (checkout's, by
     * default 8 places): views then batch longer and fall behind instead of competing with it.
     */
    @Bean
    WritePressure writePressure(ObjectProvider<AdmissionLimiter> limiters) {
        List<AdmissionLimiter> writes = limiters.orderedStream()
                .filter(l -> !l.name().endsWith("-replay"))
                .toList();
        return () -> {
            for (AdmissionLimiter l : writes) {
                if (l.inFlight() * 2 >= Math.max(2, l.limit())) {
                    return true;
                }
            }
            return false;
        };
    }

    /** The share of the machine derived work may take from the write path (every view's rounds). */
    @Bean
    DerivedWork derivedWork(PlaneSettings settings, ObjectProvider<WritePressure> pressure) {
        int concurrency = settings.viewConcurrency() > 0
                ? settings.viewConcurrency()
                : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        return new DerivedWork(
                concurrency,
                settings.viewLinger(),
                settings.viewShare(),
                settings.viewMaxDelay(),
                pressure.getIfAvailable(() -> WritePressure.NONE));
    }

    /** Keys idle past the retention are forgotten by every caught-up view, once an hour. */
    @Bean(destroyMethod = "close")
    Periodic viewKeyRetention(ViewRuntime runtime, PlaneSettings settings) {
        return Periodic.start(
                "view-key-retention",
                Duration.ofMinutes(5),
                Duration.ofHours(1),
                "idle view keys forgotten",
                () -> runtime.forgetIdleKeys(settings.viewKeyRetention()));
    }

    /** The log as consumers read it: views, cache invalidation. */
    @Bean
    LogSource logSource(
            KafkaAddress kafka,
            DerivedWork work,
            org.springframework.beans.factory.ObjectProvider<io.micrometer.core.instrument.MeterRegistry> metrics) {
        ViewConsumerLoop loop = ViewConsumerLoop.on(kafka.bootstrapServers(), work);
        metrics.ifAvailable(loop::recordMetrics);
        return loop;
    }

    /**
     * Embedded, this process is alone on its store, so each view's consumer takes every partition itself
     * and a restart consumes at once; external, instances share each PostgreSQL view's consumer group.
     */
    @Bean(destroyMethod = "close")
    ViewRuntime viewRuntime(PostgresStores stores, LogSource log, Clock clock, MercatoSettings mercato) {
        ViewSettings settings =
                mercato.mode() == MercatoSettings.Mode.EMBEDDED ? ViewSettings.DEFAULT.alone() : ViewSettings.DEFAULT;
        return new ViewRuntime(stores, log, settings, clock);
    }

    /**
     * Every derived view a module declared: PostgreSQL views (run by the runtime) and views on their own
     * stores. Registered before they start, so reads and operators know them from the first request.
     */
    @Bean
    ViewRegistry viewRegistry(
            ViewRuntime runtime, ObjectProvider<View> views, ObjectProvider<StandaloneView> standalone) {
        ViewRegistry registry = new ViewRegistry();
        views.orderedStream().forEach(v -> registry.register(runtime.derived(v.name())));
        standalone.orderedStream().forEach(registry::register);
        return registry;
    }

    @Bean
    ViewReads viewReads(ViewRegistry registry, Clock clock) {
        return new ViewReads(registry, clock);
    }

    /**
     * Every derived view a module declared starts once the log is reachable, before sample data loads.
     * Every capability's topic is created first: a view on a topic nobody has published to yet would hold
     * no partitions (and a subscribed consumer notices a new topic only at its next metadata refresh, up to
     * five minutes later).
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    ApplicationRunner startViews(
            ViewRuntime runtime,
            ObjectProvider<View> views,
            ObjectProvider<StandaloneView> standalone,
            Outboxes outboxes,
            KafkaAddress kafka,
            PlaneSettings settings,
            DurabilitySettings durability) {
        return args -> {
            // Every capability topic: those of the outboxes and those the views read (carts publish from their
            // own store, not an outbox). A topic a setting names outside the convention is left to its owner.
            Set<String> topics = new LinkedHashSet<>();
            outboxes.sources().forEach(source -> topics.add(Topics.of(source)));
            views.orderedStream().forEach(v -> topics.addAll(v.topics()));
            standalone.orderedStream().forEach(v -> topics.addAll(v.topics()));
            topics.removeIf(topic -> !Topics.isPlatformTopic(topic));
            LogTopics.ensure(kafka.bootstrapServers(), topics, settings.partitions(), durability);
            views.orderedStream().forEach(runtime::start);
            standalone.orderedStream().forEach(StandaloneView::start);
        };
    }

    /**
     * Ready means every view has started consuming (see {@link ViewsReadiness}) and has caught up with what
     * start-up wrote (the sample catalog): a first search should find it. Bounded, so a stuck view delays
     * the end of start-up by {@code mercato.plane.views-start-wait} (a minute) at most, with a warning
     * naming what it waits for; readiness then stays down until the views are there, and a line is logged
     * when they are.
     */
    @Bean
    @Order(100)
    ApplicationRunner awaitViewsCaughtUp(
            ViewRegistry views, Outboxes outboxes, ViewsReadiness readiness, PlaneSettings settings) {
        return args -> {
            long deadline = System.nanoTime() + settings.viewsStartWait().toNanos();
            while (System.nanoTime() < deadline) {
                boolean relayed = outboxes.status().stream().allMatch(s -> s.unpublished() == 0);
                boolean applied = views.freshness().stream()
                        .filter(ViewFreshness::active)
                        .allMatch(f -> f.lagEvents() == 0 && f.state() != ViewState.STOPPED);
                if (relayed && applied && readiness.ready()) {
                    return;
                }
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
            LoggerFactory.getLogger(PlaneConfiguration.class)
                    .warn(
                            "Views have not caught up after {}; starting anyway, not ready while views wait: {}."
                                    + " See GET /api/v1/plane/views",
                            settings.viewsStartWait(),
                            readiness.waiting());
            readiness.announceWhenReady();
        };
    }

    /**
     * Forgets the outbox_sequences rows of aggregates idle past the retention, in every capability, keeping every
     * stream's sequence increasing (see SequenceRetention). Safe on several instances (rows are skip-locked).
     */
    @Bean(destroyMethod = "close")
    Periodic outboxSequenceSweeper(Outboxes outboxes, PlaneSettings settings) {
        SequenceRetentionSettings retention =
                new SequenceRetentionSettings(settings.sequenceRetention(), settings.sequenceSweepBatchSize());
        return Periodic.start(
                "outbox-sequence-sweeper",
                settings.sequenceSweepInterval(),
                settings.sequenceSweepInterval(),
                "idle outbox sequence rows forgotten",
                () -> outboxes.forgetIdleSequences(retention));
    }

    /** The combined writes capabilities register (checkout's steps), for metrics. */
    @Bean
    WriteBatches writeBatches() {
        return new WriteBatches();
    }

    @Bean(destroyMethod = "close")
    Outboxes outboxes(
            PostgresStores stores,
            KafkaPublisher publisher,
            PlaneSettings settings,
            Clock clock,
            WritePressure pressure) {
        return new Outboxes(
                stores,
                publisher,
                new RelaySettings(
                        settings.relayBatchSize(),
                        settings.relayPollInterval(),
                        settings.outboxRetention(),
                        settings.outboxAlertAfter()),
                clock,
                pressure,
                settings.relayLinger());
    }
}
