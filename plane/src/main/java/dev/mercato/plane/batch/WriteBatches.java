package dev.mercato.plane.batch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Every combined write in this process, as the capabilities register them: what metrics read to show how
 * large the batches are (a mean near one says checkouts are not overlapping in that step, so combining
 * them saves nothing there).
 */
public final class WriteBatches {

    private final List<Combiner<?, ?>> combiners = new ArrayList<>();

    public synchronized void register(Collection<? extends Combiner<?, ?>> more) {
        combiners.addAll(more);
    }

    public synchronized List<Combiner<?, ?>> all() {
        return List.copyOf(combiners);
    }
}
