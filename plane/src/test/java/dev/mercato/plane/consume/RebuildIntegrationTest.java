package dev.mercato.plane.consume;

import static dev.mercato.plane.consume.TestLog.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.plane.events.Event;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RebuildIntegrationTest extends ViewTestSupport {

    @Test
    void a_rebuild_while_serving_ends_identical_to_the_incremental_view_and_reads_stay_on_the_old_generation_meanwhile()
            throws Exception {
        String topic = log.newTopic(3);
        TotalsView view = new TotalsView(viewName, topic);
        runtime = newRuntime();
        runtime.start(view);
        log.send(topic, events(1, 10));
        await().atMost(WAIT).until(() -> TotalsView.appliedCount(runtime, viewName) == 300);
        Map<String, Long> before = TotalsView.totals(runtime, viewName);

        // Hold the new generation at its first event, so the rebuild is observably under way.
        view.holdFrom = 2;
        Generation next = runtime.rebuild(viewName);

        assertThat(next.number()).isEqualTo(2);
        await().atMost(WAIT)
                .until(() -> runtime.freshness(viewName).stream()
                        .anyMatch(f -> f.generation() == 2
                                && !f.active()
                                && f.state() == ViewState.REBUILDING
                                && f.lagEvents() > 0));
        assertThat(runtime.activeGeneration(viewName).number()).isEqualTo(1);
        int readFrom = runtime.read(viewName, (jdbc, g) -> g.number());
        assertThat(readFrom).isEqualTo(1);
        assertThat(TotalsView.totals(runtime, viewName)).isEqualTo(before);
        // The serving generation keeps applying new events during the rebuild.
        log.send(topic, events(11, 12));
        await().atMost(WAIT).until(() -> TotalsView.appliedCount(runtime, viewName) == 360);
        Map<String, Long> incremental = TotalsView.totals(runtime, viewName);
        Map<String, List<Long>> incrementalOrder = TotalsView.allSequences(runtime, viewName);

        view.gate.countDown();

        await().atMost(WAIT).until(() -> runtime.activeGeneration(viewName).number() == 2);
        await().atMost(WAIT).until(() -> TotalsView.appliedCount(runtime, viewName) == 360);
        assertThat(TotalsView.totals(runtime, viewName)).isEqualTo(incremental);
        assertThat(TotalsView.allSequences(runtime, viewName)).isEqualTo(incrementalOrder);
        await().atMost(WAIT).until(() -> tables("totals_g%").equals(List.of("totals_g2")));
        assertThat(runtime.freshness(viewName)).singleElement().satisfies(f -> {
            assertThat(f.generation()).isEqualTo(2);
            assertThat(f.active()).isTrue();
        });
        await().atMost(WAIT).until(() -> active().state() == ViewState.RUNNING);
        assertThat(count("SELECT count(*) FROM " + viewName + ".view_checkpoint WHERE generation = 1"))
                .isZero();
    }

    @Test
    void a_rebuild_interrupted_by_a_restart_resumes_and_swaps_in_once_caught_up() throws Exception {
        String topic = log.newTopic(3);
        TotalsView view = new TotalsView(viewName, topic);
        runtime = newRuntime();
        runtime.start(view);
        // More events than one hand-over round (500) holds, so the held round leaves the rebuild half done.
        log.send(topic, events(1, 30));
        await().atMost(WAIT).until(() -> TotalsView.appliedCount(runtime, viewName) == 900);
        Map<String, Long> incremental = TotalsView.totals(runtime, viewName);
        view.holdFrom = 2;
        runtime.rebuild(viewName);
        await().atMost(WAIT).until(() -> view.calls.values().stream().anyMatch(n -> n.get() == 2));
        // Paused, the held batch commits and nothing more: the rebuild is half done when the runtime stops.
        runtime.pause(viewName);
        view.gate.countDown();
        runtime.close();
        assertThat(count("SELECT building FROM " + viewName + ".view_generation"))
                .isEqualTo(2);
        assertThat(count("SELECT count(*) FROM " + viewName + ".applied_g2")).isBetween(1L, 899L);

        runtime = newRuntime();
        runtime.start(view);

        await().atMost(WAIT).until(() -> runtime.activeGeneration(viewName).number() == 2);
        assertThat(TotalsView.totals(runtime, viewName)).isEqualTo(incremental);
        assertThat(TotalsView.appliedCount(runtime, viewName)).isEqualTo(900);
        await().atMost(WAIT).until(() -> tables("totals_g%").equals(List.of("totals_g2")));
    }

    /** 30 keys, sequences {@code from..to} each, amount = sequence. */
    private static List<Event> events(int from, int to) {
        List<Event> events = new ArrayList<>();
        for (int seq = from; seq <= to; seq++) {
            for (int k = 0; k < 30; k++) {
                events.add(event("basket-" + k, seq, seq));
            }
        }
        return events;
    }

    private List<String> tables(String like) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = stores.adminConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                        + viewName + "' AND table_name LIKE '" + like + "' ORDER BY table_name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private long count(String sql) throws Exception {
        try (Connection c = stores.adminConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
