package dev.mercato.search.store;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the search view consumes the log.
 *
 * @param topics the topics it reads: the catalog's and inventory's
 * @param commitEvery records a partition applies between durable commits (on average; one at most twice this). Every batch is visible to readers as
 *     soon as it is applied; a durable commit (an fsync of the new segments) is what a restart resumes
 *     from, and is too costly to pay per batch of a rebuild
 * @param commitInterval the longest an applied record waits for its durable commit, idle or not: it bounds
 *     how much a restart reads again
 * @param refreshInterval the longest an applied batch waits to be visible to readers while the view works
 *     off a backlog; once caught up, each batch is visible as soon as it is applied. Opening a reader per
 *     batch of a backlog writes a tiny segment each time, which cut indexing to a quarter
 * @param concurrentSearches searches run at once, the others wait their turn in order; 0 means one per
 *     core. A search is CPU-bound: running more at once than there are cores only makes each wait for the
 *     others' time slices, which is what a latency tail is made of
 */
@ConfigurationProperties("mercato.search")
public record SearchSettings(
        @DefaultValue({"mercato.catalog", "mercato.inventory"})
        List<String> topics,

        @DefaultValue("5000") int commitEvery,
        @DefaultValue("1s") Duration commitInterval,
        @DefaultValue("100ms") Duration refreshInterval,
        @DefaultValue("0") int concurrentSearches) {

    public SearchSettings {
        topics = List.copyOf(Objects.requireNonNull(topics, "topics"));
        Objects.requireNonNull(commitInterval, "commitInterval");
        Objects.requireNonNull(refreshInterval, "refreshInterval");
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("the search view needs at least one topic");
        }
        if (concurrentSearches < 0) {
            throw new IllegalArgumentException("concurrentSearches must not be negative");
        }
        concurrentSearches = concurrentSearches == 0 ? Runtime.getRuntime().availableProcessors() : concurrentSearches;
        if (commitEvery < 1 || !commitInterval.isPositive() || refreshInterval.isNegative()) {
            throw new IllegalArgumentException(
                    "commitEvery and commitInterval must be positive, refreshInterval not negative");
        }
    }

    /** The defaults on other topics (tests, benchmarks). */
    public static SearchSettings on(List<String> topics) {
        return new SearchSettings(topics, 5000, Duration.ofSeconds(1), Duration.ofMillis(100), 0);
    }
}
