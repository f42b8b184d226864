package dev.mercato.plane.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.plane.consume.Generation;
import dev.mercato.plane.consume.View;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Checks that a view's set-based {@link View#applyAll} leaves its tables exactly as applying the same events
 * one by one with {@link View#apply} does: generation 1 gets the events one at a time, generation 2 gets them
 * in rounds of random sizes (the runtime's rounds are cut wherever a poll ends), and every table of the two
 * generations must hold the same rows. A view's own tests hand it events that exercise every rule of its
 * rounds, repeats and out-of-date events included.
 */
public final class RoundEquivalence {

    private RoundEquivalence() {}

    /**
     * Applies {@code events} both ways to a fresh schema of {@code view} on {@code stores} and compares the two
     * generations' tables; returns how many rows they hold in all, so a test can also see that it wrote some.
     */
    public static long check(PostgresStores stores, View view, List<Event> events, long seed) {
        CapabilityStore store = stores.open(view.name());
        Generation one = new Generation(view.name(), 1);
        Generation rounds = new Generation(view.name(), 2);
        store.transactions().executeWithoutResult(s -> {
            view.createTables(store.jdbc(), one);
            view.createTables(store.jdbc(), rounds);
        });
        for (Event e : events) {
            store.transactions().executeWithoutResult(s -> view.apply(e, store.jdbc(), one));
        }
        Random random = new Random(seed);
        for (int from = 0; from < events.size(); ) {
            int to = Math.min(events.size(), from + 1 + random.nextInt(40));
            List<Event> round = new ArrayList<>(events.subList(from, to));
            store.transactions().executeWithoutResult(s -> view.applyAll(round, store.jdbc(), rounds));
            from = to;
        }
        List<String> tables = store.jdbc()
                .sql("SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_name LIKE"
                        + " '%\\_g1' ORDER BY table_name")
                .param(store.schema())
                .query(String.class)
                .list();
        assertThat(tables).as("tables of generation 1").isNotEmpty();
        long rows = 0;
        for (String t1 : tables) {
            String t2 = t1.substring(0, t1.length() - 1) + "2";
            for (String[] pair : List.of(new String[] {t1, t2}, new String[] {t2, t1})) {
                List<String> missing = store.jdbc()
                        .sql("SELECT row_to_json(x)::text FROM (SELECT * FROM " + pair[0] + " EXCEPT ALL SELECT * FROM "
                                + pair[1] + ") x LIMIT 5")
                        .query(String.class)
                        .list();
                assertThat(missing)
                        .as("rows of %s that %s does not hold (one by one vs rounds)", pair[0], pair[1])
                        .isEmpty();
            }
            rows += store.jdbc()
                    .sql("SELECT count(*) FROM " + t1)
                    .query(Long.class)
                    .single();
        }
        return rows;
    }
}
