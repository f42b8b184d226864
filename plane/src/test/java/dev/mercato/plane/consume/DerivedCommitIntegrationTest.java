package dev.mercato.plane.consume;

import static dev.mercato.plane.consume.TestLog.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.plane.events.Event;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A rebuildable view's round commits without waiting for the WAL flush (what a crash loses is applied again
 * from the log); a capability's intake, whose tables hold facts, keeps durable commits.
 */
class DerivedCommitIntegrationTest extends ViewTestSupport {

    /** Records the commit mode each round of its transaction runs under. */
    record CommitModeView(String name, String topic, boolean rebuildable, Set<String> modes) implements TablelessView {
        @Override
        public void apply(Event event, JdbcClient tx, Generation generation) {
            modes.add(tx.sql("SELECT current_setting('synchronous_commit')")
                    .query(String.class)
                    .single());
        }
    }

    @Test
    void a_rebuildable_views_rounds_commit_asynchronously_and_an_intakes_rounds_durably() throws Exception {
        String topic = log.newTopic(1);
        log.send(topic, event("order-1", 1, 10), event("order-1", 2, 20), event("order-2", 1, 5));
        Set<String> derived = ConcurrentHashMap.newKeySet();
        Set<String> intake = ConcurrentHashMap.newKeySet();
        runtime = newRuntime();
        runtime.start(new CommitModeView(viewName, topic, true, derived));
        runtime.start(new CommitModeView(viewName + "_intake", topic, false, intake));

        await().atMost(WAIT).until(() -> !derived.isEmpty() && !intake.isEmpty());
        assertThat(derived).containsExactly("off");
        assertThat(intake).containsExactly("on");
    }
}
