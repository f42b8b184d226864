package dev.mercato.plane.consume;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What a store does for the view runtime ({@link BatchRunner}): apply a batch of records, make what was applied
 * visible, make it durable together with the positions it reached, or forget it. Everything else a view needs
 * (the subscription, positions, retries, freshness, pausing, stopping, a rebuild's swap) is the runner's, the
 * same for every kind of store. A store is called from one thread at a time: the runner's consumer thread, or
 * the thread that stops it once consuming has stopped.
 *
 * <p>A store need not undo a failed call itself: after any failure the runner calls {@link #rollback} and then
 * applies again everything applied since the last {@link #commit}, so the store starts from a known state. It
 * must therefore make {@link #apply} of records its last commit covers harmless (by positions or by the
 * events' sequences), since a restart reads the log again from its checkpoints.
 */
public interface BatchStore {

    /**
     * Where each of {@code partitions} resumes: the next offset the store holds durably, or 0 for the start of
     * the log (a partition left out starts there too).
     */
    Map<LogPartition, Long> checkpoints(Collection<LogPartition> partitions);

    /**
     * Applies consecutive records of one partition. Not durable until {@link #commit}; visible to readers after
     * {@link #publish} or {@link #commit}, whichever the store's reads follow. A record the store can never
     * apply (undecodable, or a payload it cannot read) is the store's to skip and count.
     */
    void apply(List<LogRecord> records);

    /**
     * Makes what was applied visible to readers without making it durable (reopening a reader, for instance).
     * A store whose reads see only what was committed does nothing here.
     */
    default void publish() {}

    /**
     * Makes everything applied so far durable, with {@code nextOffsets} (the next offset of each partition, all
     * of them, not only those of the last batch) as its checkpoints; a restart resumes from them.
     */
    void commit(Map<LogPartition, Long> nextOffsets);

    /** Forgets what was applied since the last commit, after a failure; the runner applies it again. */
    void rollback();

    /**
     * How a runner drives a store.
     *
     * @param commitEvery records a partition applies between commits: a commit falls due once the partitions
     *     that applied records hold this many each on average, or one holds twice this many; so a store that
     *     writes per partition, as the lake does, writes about this many records of a partition at a time
     * @param commitInterval the longest an applied record waits for its commit
     * @param publishInterval the longest an applied batch waits to be visible while the view works off a backlog
     *     (once caught up, each batch is published as it is applied, and at once when a reader waits); {@code
     *     null} for a store whose reads see only what was committed, so that only a commit counts as applied
     */
    record Policy(int commitEvery, java.time.Duration commitInterval, java.time.Duration publishInterval) {

        public Policy {
            java.util.Objects.requireNonNull(commitInterval, "commitInterval");
            if (commitEvery < 1
                    || !commitInterval.isPositive()
                    || (publishInterval != null && publishInterval.isNegative())) {
                throw new IllegalArgumentException("commitEvery and commitInterval must be positive, got " + commitEvery
                        + ", " + commitInterval + " (publishInterval " + publishInterval + ")");
            }
        }

        /** For a store whose reads see only what was committed. */
        public static Policy commitOnly(int commitEvery, java.time.Duration commitInterval) {
            return new Policy(commitEvery, commitInterval, null);
        }

        boolean publishes() {
            return publishInterval != null;
        }
    }
}
