package dev.mercato.plane.testing;

import dev.mercato.plane.consume.Generation;
import dev.mercato.plane.consume.View;
import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.plane.events.Event;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A view that records every event it applies, with no unique constraint of its own, so a test can count
 * exactly what reached it: nothing missing and nothing twice.
 */
public final class AppliedEventsView implements View {

    private final String name;
    private final List<String> topics;

    public AppliedEventsView(String name, String... topics) {
        this.name = name;
        this.topics = List.of(topics);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> topics() {
        return topics;
    }

    @Override
    public void createTables(JdbcClient tx, Generation g) {
        tx.sql("CREATE TABLE IF NOT EXISTS " + g.table("applied") + " (event_id uuid NOT NULL, stream text NOT NULL,"
                        + " sequence bigint NOT NULL)")
                .update();
    }

    @Override
    public void dropTables(JdbcClient tx, Generation g) {
        tx.sql("DROP TABLE IF EXISTS " + g.table("applied")).update();
    }

    @Override
    public void apply(Event event, JdbcClient tx, Generation g) {
        tx.sql("INSERT INTO " + g.table("applied") + " VALUES (?, ?, ?)")
                .params(event.id(), event.streamKey(), event.sequence())
                .update();
    }

    public long applied(ViewRuntime runtime) {
        return runtime.read(
                name,
                (jdbc, g) -> jdbc.sql("SELECT count(*) FROM " + g.table("applied"))
                        .query(Long.class)
                        .single());
    }

    public long distinctEvents(ViewRuntime runtime) {
        return runtime.read(
                name,
                (jdbc, g) -> jdbc.sql("SELECT count(DISTINCT event_id) FROM " + g.table("applied"))
                        .query(Long.class)
                        .single());
    }
}
