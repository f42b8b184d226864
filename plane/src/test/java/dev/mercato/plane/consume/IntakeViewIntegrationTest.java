package dev.mercato.plane.consume;

import static dev.mercato.plane.consume.TestLog.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mercato.plane.Conflict;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.postgres.CapabilityStore;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A capability consuming the log into its own tables: exactly-once apply into a table its own migration
 * made, other facts in that table untouched, and a rebuild refused rather than dropping them.
 */
class IntakeViewIntegrationTest extends ViewTestSupport {

    /** Counts amounts into a table the "capability" created before the view started; never rebuilt. */
    record Intake(String name, String topic) implements TablelessView {
        @Override
        public void apply(Event event, JdbcClient tx, Generation generation) {
            tx.sql("INSERT INTO intake (key, events) VALUES (?, 1)"
                            + " ON CONFLICT (key) DO UPDATE SET events = intake.events + 1")
                    .params(event.aggregateId())
                    .update();
        }

        @Override
        public boolean rebuildable() {
            return false;
        }
    }

    @Test
    void an_intake_applies_each_event_once_into_the_capabilitys_own_table_and_refuses_a_rebuild() throws Exception {
        String topic = log.newTopic(2);
        CapabilityStore store = stores.open(viewName);
        store.jdbc()
                .sql("CREATE TABLE intake (key text PRIMARY KEY, events integer NOT NULL, note text)")
                .update();
        store.jdbc()
                .sql("INSERT INTO intake VALUES ('reported', 0, 'a fact the log does not hold')")
                .update();
        runtime = newRuntime();
        runtime.start(new Intake(viewName, topic));

        Event first = event("a", 1, 5);
        log.send(topic, first, event("b", 1, 5), event("a", 2, 5), first);

        await().atMost(WAIT).until(() -> active().lagEvents() == 0 && events("a") == 2 && events("b") == 1);
        assertThatThrownBy(() -> runtime.rebuild(viewName))
                .isInstanceOf(Conflict.class)
                .hasMessageContaining("cannot be rebuilt");
        assertThat(runtime.activeGeneration(viewName).number()).isEqualTo(1);
        assertThat(store.jdbc()
                        .sql("SELECT note FROM intake WHERE key = 'reported'")
                        .query(String.class)
                        .single())
                .isEqualTo("a fact the log does not hold");
        assertThat(events("a")).isEqualTo(2);
    }

    private int events(String key) {
        return stores.open(viewName)
                .jdbc()
                .sql("SELECT coalesce(max(events), 0) FROM intake WHERE key = ?")
                .params(key)
                .query(Integer.class)
                .single();
    }
}
