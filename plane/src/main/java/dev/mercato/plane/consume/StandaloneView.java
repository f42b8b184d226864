package dev.mercato.plane.consume;

import java.util.List;

/**
 * A derived view that runs its own consumer on its own store, outside the {@link ViewRuntime} (which runs
 * PostgreSQL views only): for example an index kept in process. Whoever wires it starts it once the log is
 * reachable and closes it before the log goes.
 */
public interface StandaloneView extends DerivedView, AutoCloseable {

    /** The topics it reads, so that start-up can create the platform's topics before any view starts. */
    List<String> topics();

    /** Opens the store and starts consuming from its own checkpoints. */
    void start();

    /** Stops consuming and closes the store; freshness says {@link ViewState#STOPPED} from then on. */
    @Override
    void close();
}
