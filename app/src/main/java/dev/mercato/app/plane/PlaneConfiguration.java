package dev.mercato.app.plane;

import dev.mercato.app.MercatoSettings;
import dev.mercato.app.stores.KafkaAddress;
import dev.mercato.plane.consume.LogSource;
import dev.mercato.plane.consume.StandaloneView;
import dev.mercato.plane.consume.View;
import dev.mercato.plane.consume.ViewFreshness;
import dev.mercato.plane.consume.ViewReads;
import dev.mercato.plane.consume.ViewRegistry;
import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.plane.consume.ViewSettings;
import dev.mercato.plane.consume.ViewState;
import dev.mercato.plane.events.Topics;
import dev.mercato.plane.kafka.KafkaPublisher;
import dev.mercato.plane.kafka.LogTopics;
import dev.mercato.plane.kafka.ViewConsumerLoop;
import dev.mercato.plane.outbox.Outboxes;
import dev.mercato.plane.outbox.RelaySettings;
import dev.mercato.plane.postgres.PostgresStores;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
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
            @DefaultValue("60s") Duration viewsStartWait) {}

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    KafkaPublisher kafkaPublisher(KafkaAddress kafka, PlaneSettings settings) {
        return new KafkaPublisher(kafka::bootstrapServers, settings.partitions());
    }

    /** The log as consumers read it: views, cache invalidation. */
    @Bean
    LogSource logSource(KafkaAddress kafka) {
        return ViewConsumerLoop.on(kafka.bootstrapServers());
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
            PlaneSettings settings) {
        return args -> {
            // Every capability topic: those of the outboxes and those the views read (carts publish from their
            // own store, not an outbox). A topic a setting names outside the convention is left to its owner.
            Set<String> topics = new LinkedHashSet<>();
            outboxes.sources().forEach(source -> topics.add(Topics.of(source)));
            views.orderedStream().forEach(v -> topics.addAll(v.topics()));
            standalone.orderedStream().forEach(v -> topics.addAll(v.topics()));
            topics.removeIf(topic -> !Topics.isCapabilityTopic(topic));
            LogTopics.ensure(kafka.bootstrapServers(), topics, settings.partitions(), (short) 1);
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

    @Bean(destroyMethod = "close")
    Outboxes outboxes(PostgresStores stores, KafkaPublisher publisher, PlaneSettings settings, Clock clock) {
        return new Outboxes(
                stores,
                publisher,
                new RelaySettings(
                        settings.relayBatchSize(),
                        settings.relayPollInterval(),
                        settings.outboxRetention(),
                        settings.outboxAlertAfter()),
                clock);
    }
}
