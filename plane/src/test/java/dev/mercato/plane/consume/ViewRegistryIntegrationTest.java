package dev.mercato.plane.consume;

import static dev.mercato.plane.consume.TestLog.event;
import static dev.mercato.plane.consume.TestLog.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.ConsistencyToken;
import dev.mercato.plane.events.Event;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ViewRegistryIntegrationTest extends ViewTestSupport {

    @Test
    void a_postgresql_view_in_the_registry_reports_pauses_answers_reads_and_rebuilds_through_the_runtime()
            throws Exception {
        String topic = log.newTopic(1);
        runtime = newRuntime();
        ViewRegistry registry = new ViewRegistry();
        // Registered before it starts, as the platform does: it is then simply not running yet.
        registry.register(runtime.derived(viewName));
        runtime.start(new TotalsView(viewName, topic));
        DerivedView view = registry.view(viewName);
        ViewReads reads = new ViewReads(registry, Clock.systemUTC());
        log.send(topic, event("order-1", 1, 5));
        String token = new ConsistencyToken(
                        TestLog.ADDED.source(), Event.keyOf(MerchantId.of(TestLog.MERCHANT), "order-1"), 1)
                .encode();

        assertThat(reads.before(viewName, token).stale()).isFalse();
        view.pause();
        assertThat(view.freshness())
                .singleElement()
                .extracting(ViewFreshness::state)
                .isEqualTo(ViewState.PAUSED);
        log.send(topic, event("order-1", 2, 5));
        assertThat(view.awaitApplied(key("order-1"), 2, Duration.ofMillis(200))).isFalse();
        view.resume();
        assertThat(view.awaitApplied(key("order-1"), 2, ViewTestSupport.WAIT)).isTrue();
        assertThat(view.deadLetters())
                .hasValueSatisfying(d -> assertThat(d.list()).isEmpty());

        assertThat(view.rebuild().number()).isEqualTo(2);
        await().atMost(WAIT)
                .until(() -> registry.freshness().stream()
                        .anyMatch(f -> f.active() && f.generation() == 2 && f.state() == ViewState.RUNNING));
        assertThat(TotalsView.totals(runtime, viewName)).containsEntry(key("order-1"), 10L);
    }
}
