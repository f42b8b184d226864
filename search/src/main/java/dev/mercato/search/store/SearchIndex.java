package dev.mercato.search.store;

import dev.mercato.plane.consume.LogPartition;
import dev.mercato.search.Search;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Where the search view keeps its listings: numbered generations of an index, each holding the log
 * positions it has durably applied together with the documents. This is the seam between the view's
 * consumer, which knows the log, and the engine: Lucene in process now; OpenSearch at scale-out, one index
 * per generation behind an alias, the generations record being the alias.
 *
 * <p>Only the consumer thread of a generation calls {@link Generation#apply}, {@link Generation#refresh},
 * {@link Generation#commit} and {@link Generation#rollback}; readers call {@link Generation#search} and
 * {@link Generation#lastApplied} from any thread.
 */
interface SearchIndex extends AutoCloseable {

    /** Which generation serves reads and which is being rebuilt; {@code active} 1 for a new index. */
    record Generations(int active, OptionalInt building) {

        static final Generations FIRST = new Generations(1, OptionalInt.empty());

        public Generations {
            if (active < 1 || building.isPresent() && building.getAsInt() <= active) {
                throw new IllegalArgumentException("need 1 <= active < building, got " + active + ", " + building);
            }
        }
    }

    /** As last recorded; {@link Generations#FIRST} when nothing was. */
    Generations generations();

    /**
     * The consumer-group name of a generation's consumer. An index kept in this process must see every
     * partition, so its group is its own (several platform instances each keep a whole copy); an index
     * shared by every instance (a search cluster) is filled once, by one group they share.
     */
    String consumerGroup(dev.mercato.plane.consume.Generation generation);

    /**
     * Whether platform instances share this index (a search cluster), so a generation's consumers split the
     * partitions in one group. An index kept in this process (the default) is its group's only reader: its
     * consumer takes every partition itself, without joining a group, so a restart resumes at once.
     */
    default boolean sharedByInstances() {
        return false;
    }

    /** Records durably which generation serves and which is being built. Recording a new active one is the swap. */
    void record(Generations generations);

    /** Opens a generation, creating it empty when it has no data yet. */
    Generation open(int number);

    /** Deletes a closed generation's data; nothing when it has none. */
    void drop(int number);

    /** The generations that have data, in ascending order. */
    List<Integer> stored();

    @Override
    void close();

    /** One complete copy of the listings, with the log positions it reflects. */
    interface Generation extends AutoCloseable {

        int number();

        /** Next offset per partition as of the last durable commit: where reading resumes after a restart. */
        Map<LogPartition, Long> checkpoints();

        /**
         * Applies the changes in order. Per SKU and stream, a change whose sequence is not above the one the
         * index already holds changes nothing, so applying a batch again is harmless. Not visible to
         * readers before {@link #refresh()}, not durable before {@link #commit}.
         */
        void apply(List<ListingChange> changes);

        /** Readers see everything applied so far. */
        void refresh();

        /**
         * Makes everything applied durable in one step with {@code nextOffsets} (merged into the stored
         * checkpoints; a checkpoint never moves back).
         */
        void commit(Map<LogPartition, Long> nextOffsets);

        /** Throws away everything applied since the last durable commit, and makes the index usable again. */
        void rollback();

        /** The last sequence of {@code streamKey} readers can see, 0 when none. */
        long lastApplied(String streamKey);

        Search.Results search(Search.Query query);

        /** Listings readers can see, listed or not. */
        long documents();

        /** What an operator sees of the index in its health details (documents, engine specifics). */
        Map<String, Object> details();

        /** Closes without committing: what was not committed is lost, as in a crash. */
        @Override
        void close();
    }
}
