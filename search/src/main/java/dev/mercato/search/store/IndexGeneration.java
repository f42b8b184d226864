package dev.mercato.search.store;

import dev.mercato.plane.consume.BatchRunner;
import dev.mercato.plane.consume.BatchStore;
import dev.mercato.plane.consume.Generation;
import dev.mercato.plane.consume.LogPartition;
import dev.mercato.plane.consume.LogRecord;
import dev.mercato.plane.consume.LogSource;
import dev.mercato.plane.consume.ViewFreshness;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One generation of the index as a store of the plane's view runtime ({@link BatchRunner}), which consumes the
 * log into it: a batch becomes listing changes applied to the index, visible to readers at the next refresh
 * (within {@link SearchSettings#refreshInterval()} while the view works off a backlog, at once when a reader
 * waits for its own write), durable with the next offset of every partition at the next commit (after {@link
 * SearchSettings#commitEvery()} records or {@link SearchSettings#commitInterval()}). After a failure the
 * runner rolls the index back to its last commit and applies what came since again; the sequences guarding
 * every SKU make that, and a restart's re-reading, double nothing.
 */
final class IndexGeneration implements BatchStore {

    private final ListingsView view;
    private final SearchIndex.Generation index;
    private final BatchRunner runner;
    // Applied but not yet visible to readers: shown by the next refresh. Runner's thread only.
    private final List<ListingChange> unseen = new ArrayList<>();
    // The highest offset per partition whose skip was counted, so that applying again after a rollback does
    // not count it twice. Runner's thread only.
    private final Map<LogPartition, Long> skippedUpTo = new HashMap<>();

    IndexGeneration(ListingsView view, SearchIndex.Generation index, SearchSettings settings, Clock clock) {
        this.view = view;
        this.index = index;
        this.runner = new BatchRunner(
                        new Generation(view.name(), index.number()),
                        this,
                        new BatchStore.Policy(
                                settings.commitEvery(), settings.commitInterval(), settings.refreshInterval()),
                        clock)
                .publishingAtOnceWhen(view::readersWaiting);
    }

    int number() {
        return index.number();
    }

    SearchIndex.Generation index() {
        return index;
    }

    /** Makes this generation a rebuild up to {@code target}, swapped in by the view once it gets there. */
    IndexGeneration rebuilding(Map<LogPartition, Long> target) {
        runner.rebuilding(target, r -> view.promote(this));
        return this;
    }

    void start(LogSource source, List<String> topics) {
        Generation g = runner.generation();
        runner.start(source, view.consumerGroup(g), topics, view.sharedByInstances());
    }

    void pause(boolean pause) {
        runner.pause(pause);
    }

    void activated() {
        runner.activated();
    }

    void stopConsuming() {
        runner.stop();
    }

    /**
     * Closes the index once consuming has stopped; with {@code commit}, what was applied is made durable
     * first, so a restart need not read it again. Without, the index keeps only its last commit, as after a
     * crash.
     */
    void closeIndex(boolean commit) {
        runner.finish(commit);
        index.close();
    }

    void prepareToServe() {
        runner.prepareToServe();
    }

    ViewFreshness freshness(boolean active) {
        return runner.freshness(active);
    }

    @Override
    public Map<LogPartition, Long> checkpoints(Collection<LogPartition> partitions) {
        Map<LogPartition, Long> stored = new HashMap<>(index.checkpoints());
        stored.keySet().retainAll(partitions);
        return stored;
    }

    @Override
    public void apply(List<LogRecord> records) {
        List<ListingChange> changes = decode(records);
        index.apply(changes);
        unseen.addAll(changes);
    }

    @Override
    public void publish() {
        index.refresh();
        List<ListingChange> visible = List.copyOf(unseen);
        unseen.clear();
        view.applied(this, visible);
    }

    @Override
    public void commit(Map<LogPartition, Long> nextOffsets) {
        index.commit(nextOffsets);
    }

    @Override
    public void rollback() {
        // What was applied since the last commit is applied again next, and shown again: waking a reader
        // twice for the same sequence is harmless.
        unseen.clear();
        index.rollback();
    }

    private List<ListingChange> decode(List<LogRecord> records) {
        List<ListingChange> changes = new ArrayList<>(records.size());
        for (LogRecord r : records) {
            if (r.event() == null) {
                skipped(r, r.undecodable());
                continue;
            }
            try {
                ListingEvents.decode(r.event()).ifPresent(changes::add);
            } catch (ListingEvents.Unreadable e) {
                skipped(r, e.getMessage());
                ListingEvents.noted(r.event()).ifPresent(changes::add);
            }
        }
        return changes;
    }

    private void skipped(LogRecord r, String reason) {
        if (r.offset() > skippedUpTo.getOrDefault(r.partition(), -1L)) {
            skippedUpTo.put(r.partition(), r.offset());
            view.skipped(runner.generation(), r, reason);
        }
    }

    @Override
    public String toString() {
        return runner.toString();
    }
}
