package dev.mercato.plane.consume;

import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.schema.Upcasters;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A derived view kept in PostgreSQL. The runtime calls every method inside a transaction on the view's
 * own store, so whatever a method writes commits together with the runtime's bookkeeping or not at all.
 *
 * <p>A view keeps its tables per {@link Generation} (name them with {@link Generation#table(String)}), so a
 * rebuild can fill new tables while readers keep using the old ones.
 *
 * <p>A view that is not {@link #rebuildable()} is a capability consuming the log into its own tables (its
 * schema is the view's name): it gets the same exactly-once apply, freshness and dead letters, but its
 * tables hold facts others add to after intake, so the runtime never drops or refills them.
 */
public interface View {

    /** The view's name: also its schema, its store's role and the base of its consumer group ids. */
    String name();

    /** The topics it reads. */
    List<String> topics();

    /** Creates a generation's tables; must tolerate tables left by an earlier attempt (IF NOT EXISTS). */
    void createTables(JdbcClient tx, Generation generation);

    /** Drops a generation's tables once it is retired; must tolerate missing tables (IF EXISTS). */
    void dropTables(JdbcClient tx, Generation generation);

    /**
     * Applies one event to the generation's tables. Throwing rolls the transaction back; the runtime
     * retries, then parks the event. Called at most once per key and sequence with a committed outcome,
     * and in sequence order per key.
     */
    void apply(Event event, JdbcClient tx, Generation generation);

    /**
     * Applies a round of events in one transaction: the runtime has already dropped duplicates and events
     * of parked keys, and keeps each key's events in sequence order (events of different keys may be
     * interleaved). A view with many events per round overrides this with a few set-based statements per
     * table; the default applies them one by one. Throwing rolls the round back; the runtime then applies
     * its events one at a time with {@link #apply}, so the failing one is retried and parked alone.
     */
    default void applyAll(List<Event> events, JdbcClient tx, Generation generation) {
        for (Event event : events) {
            apply(event, tx, generation);
        }
    }

    /**
     * The upcasters for the event types this view reads. An event older than the newest version they
     * know is upcast before {@link #apply}, so a view is written against current versions only.
     */
    default Upcasters upcasters() {
        return Upcasters.none();
    }

    /**
     * Whether a rebuild may drop this view's tables and refill them from the log. False for a capability's
     * intake (e.g. fulfillment's pick lists, which merchants then add their reports to): the log does not
     * hold everything in those tables, so {@link ViewRuntime#rebuild} refuses it with a conflict. Such a
     * view keeps its tables in its own migrations; {@link #createTables} and {@link #dropTables} may do
     * nothing.
     */
    default boolean rebuildable() {
        return true;
    }
}
