package dev.mercato.search.store;

import static dev.mercato.search.store.Products.aProduct;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.plane.consume.LogPartition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneSearchIndexIntegrationTest {

    @TempDir
    Path dir;

    @Test
    void documents_and_checkpoints_survive_a_reopen_together_and_uncommitted_ones_do_not() {
        LuceneSearchIndex index = new LuceneSearchIndex(dir);
        LogPartition p = new LogPartition("mercato.catalog", 3);
        try (SearchIndex.Generation g = index.open(1)) {
            SearchQueriesIntegrationTest.feed(g, aProduct("A").upserted(1));
            g.commit(Map.of(p, 7L));
            SearchQueriesIntegrationTest.feed(g, aProduct("B").upserted(1));
        }
        try (SearchIndex.Generation g = index.open(1)) {
            assertThat(g.checkpoints()).isEqualTo(Map.of(p, 7L));
            assertThat(g.documents()).isEqualTo(1);
            assertThat(g.lastApplied("catalog:casa-bella/A")).isEqualTo(1);
            assertThat(g.lastApplied("catalog:casa-bella/B")).isZero();
            // A checkpoint never moves back.
            g.commit(Map.of(p, 5L));
            assertThat(g.checkpoints()).isEqualTo(Map.of(p, 7L));
        }
    }

    @Test
    void which_generation_serves_is_recorded_and_read_back_and_generations_are_listed_and_dropped() {
        LuceneSearchIndex index = new LuceneSearchIndex(dir);
        assertThat(index.generations()).isEqualTo(SearchIndex.Generations.FIRST);
        index.open(1).close();
        index.open(2).close();
        index.record(new SearchIndex.Generations(1, OptionalInt.of(2)));

        assertThat(new LuceneSearchIndex(dir).generations())
                .isEqualTo(new SearchIndex.Generations(1, OptionalInt.of(2)));
        assertThat(index.stored()).containsExactly(1, 2);
        index.drop(1);
        assertThat(index.stored()).containsExactly(2);
    }

    @Test
    void a_generation_whose_files_are_corrupt_is_opened_empty_to_fill_again_from_the_log() throws Exception {
        LuceneSearchIndex index = new LuceneSearchIndex(dir);
        try (SearchIndex.Generation g = index.open(1)) {
            SearchQueriesIntegrationTest.feed(g, aProduct("A").upserted(1));
            g.commit(Map.of(new LogPartition("mercato.catalog", 0), 1L));
        }
        try (var files = Files.list(dir.resolve("g1"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("segments_"))
                    .toList()) {
                Files.write(f, "not a commit".getBytes());
            }
        }

        try (SearchIndex.Generation g = index.open(1)) {
            assertThat(g.checkpoints()).isEmpty();
            assertThat(g.documents()).isZero();
        }
        assertThat(index.stored()).isEqualTo(List.of(1));
    }
}
