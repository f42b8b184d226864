package dev.mercato.plane.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.events.schema.Upcasters;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.node.ObjectNode;

class UpcastingIntegrationTest extends ViewTestSupport {

    static final EventType V1 = EventType.of("ledger", "amount-added", 1);

    @Test
    void a_view_receives_old_events_upcast_to_the_version_it_was_written_for() throws Exception {
        String topic = log.newTopic(1);
        List<Event> seen = new CopyOnWriteArrayList<>();
        View view = new View() {
            @Override
            public String name() {
                return viewName;
            }

            @Override
            public List<String> topics() {
                return List.of(topic);
            }

            @Override
            public void createTables(JdbcClient tx, Generation g) {}

            @Override
            public void dropTables(JdbcClient tx, Generation g) {}

            @Override
            public void apply(Event event, JdbcClient tx, Generation g) {
                seen.add(event);
            }

            @Override
            public Upcasters upcasters() {
                // v2 renamed "amount" to "cents".
                return Upcasters.none().with(V1, payload -> {
                    ObjectNode node = ((ObjectNode) payload).deepCopy();
                    node.set("cents", node.remove("amount"));
                    return node;
                });
            }
        };
        Event old = new Event(
                UUID.randomUUID(), V1, Instant.now(), MerchantId.of("shop-1"), "a-1", 1, "", "{\"amount\":250}");
        Event current = new Event(
                UUID.randomUUID(),
                V1.atVersion(2),
                Instant.now(),
                MerchantId.of("shop-1"),
                "a-1",
                2,
                "",
                "{\"cents\":300}");
        log.send(topic, old, current);

        runtime = newRuntime();
        runtime.start(view);

        await().atMost(WAIT).until(() -> seen.size() == 2);
        assertThat(seen).extracting(e -> e.type().version()).containsExactly(2, 2);
        assertThat(seen.getFirst().data()).contains("\"cents\":250").doesNotContain("amount");
        assertThat(seen.get(1).data()).isEqualTo("{\"cents\":300}");
    }
}
