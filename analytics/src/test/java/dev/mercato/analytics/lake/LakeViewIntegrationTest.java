package dev.mercato.analytics.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.analytics.TestEvents;
import dev.mercato.plane.consume.ViewFreshness;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.kafka.TestEventLog;
import dev.mercato.plane.kafka.ViewConsumerLoop;
import dev.mercato.plane.testing.SharedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeViewIntegrationTest {

    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    @TempDir
    Path dir;

    TestEventLog log;
    String topic;
    LakeView view;

    @BeforeEach
    void topics() throws Exception {
        log = new TestEventLog(SharedKafka.bootstrapServers());
        topic = log.newTopic(2);
    }

    @AfterEach
    void closeEverything() {
        if (view != null) {
            view.close();
        }
        log.close();
    }

    LakeView start() {
        view = new LakeView(
                dir.resolve("lake"),
                ViewConsumerLoop.on(SharedKafka.bootstrapServers()),
                List.of(topic),
                10,
                Duration.ofMillis(100),
                // Every file is old enough to merge at once.
                new LakeView.Compaction(Duration.ZERO, 128L << 20),
                Clock.systemUTC());
        view.start();
        return view;
    }

    /** Orders of several carts; every seventh happened three days before it was published. */
    static List<Event> orders(int from, int to) {
        List<Event> events = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Instant at = i % 7 == 3 ? NOW.minusSeconds(3 * 86_400) : NOW.plusSeconds(i);
            events.add(TestEvents.orderPlaced(
                    "m" + (i % 3), "o" + i, "c" + i, "k" + i, "DE", at, "SKU-" + i, "toys", 1, "1.00"));
        }
        return events;
    }

    /** Events in the lake: total rows and distinct event ids. */
    long[] lake() throws Exception {
        return lake(dir.resolve("lake"));
    }

    static long[] lake(Path folder) throws Exception {
        if (Coverage.files(folder).isEmpty()) {
            return new long[] {0, 0};
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT event_id) FROM read_parquet('" + folder
                        + "/event_date=*/event_type=*/*.parquet', hive_partitioning = false)")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    void awaitLake(long events) {
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(lake()).containsExactly(events, events));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> view.freshness().stream()
                        .allMatch(f -> f.lagEvents() == 0 && !f.partitions().isEmpty()));
    }

    @Test
    void events_land_once_in_their_own_date_and_a_restart_resumes_after_the_files() throws Exception {
        log.send(topic, orders(0, 30));
        start();
        awaitLake(30);

        List<LakeFile> files = Coverage.files(dir.resolve("lake"));
        assertThat(files).extracting(LakeFile::date).contains(java.time.LocalDate.parse("2026-11-28"));
        assertThat(files).extracting(LakeFile::type).containsOnly("orders.order-placed");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet('" + dir.resolve("lake")
                        + "/event_date=2026-11-28/**/*.parquet', hive_partitioning = false)")) {
            rs.next();
            // i % 7 == 3 for i in 0..29: 3, 10, 17, 24.
            assertThat(rs.getLong(1)).isEqualTo(4);
        }

        view.close();
        log.send(topic, orders(30, 45));
        start();
        awaitLake(45);
        ViewFreshness f = view.freshness().getFirst();
        assertThat(f.partitions()).allSatisfy(p -> assertThat(p.lagEvents()).isZero());
        assertThat(f.partitions().stream().mapToLong(p -> p.appliedOffset()).sum())
                .isEqualTo(45);
    }

    @Test
    void read_your_writes_holds_for_a_reader_waiting_before_the_write_while_memory_of_streams_stays_bounded()
            throws Exception {
        start();
        synchronized (view) {
            view.recentStreams = 5;
        }
        List<Event> events = orders(0, 40);
        Event mine = events.get(17);
        CompletableFuture<Boolean> reader = CompletableFuture.supplyAsync(
                () -> view.awaitApplied(mine.streamKey(), mine.sequence(), Duration.ofSeconds(60)));
        await().atMost(Duration.ofSeconds(30)).until(() -> view.watching(mine.streamKey()));

        log.send(topic, events);

        assertThat(reader.get(60, TimeUnit.SECONDS)).isTrue();
        awaitLake(40);
        // 40 streams written, 5 remembered: three entries per order would otherwise stay for ever.
        assertThat(view.rememberedStreams()).isLessThanOrEqualTo(5);
        assertThat(view.watching(mine.streamKey())).isFalse();
    }

    @Test
    void two_platform_instances_each_keep_a_whole_lake_not_half_of_one() throws Exception {
        start();
        Path elsewhere = dir.resolve("other-instance-lake");
        try (LakeView other = new LakeView(
                elsewhere,
                ViewConsumerLoop.on(SharedKafka.bootstrapServers()),
                List.of(topic),
                10,
                Duration.ofMillis(100),
                Clock.systemUTC())) {
            other.start();
            log.send(topic, orders(0, 40));

            awaitLake(40);
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(lake(elsewhere)).containsExactly(40L, 40L));
        }
    }

    @Test
    void re_reading_the_log_writes_nothing_already_covered_and_refills_a_lost_file() throws Exception {
        log.send(topic, orders(0, 40));
        start();
        awaitLake(40);
        List<LakeFile> before = Coverage.files(dir.resolve("lake"));

        view.rebuild();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> view.freshness().getFirst().partitions().size() == 2
                        && view.freshness().getFirst().lagEvents() == 0);
        assertThat(lake()).containsExactly(40, 40);
        assertThat(Coverage.files(dir.resolve("lake"))).isEqualTo(before);

        // A file is lost; re-reading the log writes its records again, and only those.
        LakeFile lost = before.get(before.size() / 2);
        Files.delete(lost.in(dir.resolve("lake")));
        long left = lake()[0];
        assertThat(left).isLessThan(40);
        view.rebuild();
        awaitLake(40);
    }

    /** The ranges of the lake's files, per partition: "partition:from-to". */
    List<String> ranges() {
        return Coverage.files(dir.resolve("lake")).stream()
                .map(f -> f.partition().partition() + ":" + f.from() + "-" + f.to())
                .distinct()
                .sorted()
                .toList();
    }

    @Test
    void compaction_merges_while_the_consumer_writes_and_loses_or_doubles_nothing() throws Exception {
        start();
        int sent = 0;
        long merged = 0;
        // Flushes of ten records and merges interleave: a merge never sees half of a partition's files.
        for (int round = 0; round < 8; round++) {
            log.send(topic, orders(sent, sent + 25));
            sent += 25;
            merged += view.compact().deleted();
        }
        awaitLake(sent);
        merged += view.compact().deleted();
        assertThat(merged).isPositive();
        assertThat(lake()).containsExactly(sent, sent);
        assertThat(Coverage.files(dir.resolve("lake")).size()).isLessThan((int) view.filesWritten());
        // Each merge named one range of a partition: the ranges of a partition never overlap.
        for (int p = 0; p < 2; p++) {
            String prefix = p + ":";
            List<long[]> of = ranges().stream()
                    .filter(r -> r.startsWith(prefix))
                    .map(r -> r.substring(prefix.length()).split("-"))
                    .map(r -> new long[] {Long.parseLong(r[0]), Long.parseLong(r[1])})
                    .sorted(java.util.Comparator.comparingLong(r -> r[0]))
                    .toList();
            for (int i = 1; i < of.size(); i++) {
                assertThat(of.get(i)[0]).isGreaterThan(of.get(i - 1)[1]);
            }
        }

        // A restart resumes after the merged files.
        view.close();
        log.send(topic, orders(sent, sent + 15));
        start();
        awaitLake(sent + 15);
    }

    @Test
    void after_compaction_a_rebuild_writes_nothing_again_and_refills_a_lost_merged_file() throws Exception {
        start();
        // Sent a few at a time, each written before the next is sent: small files to merge. (Sent at once,
        // they would be written in one round's files, nothing to merge.)
        for (int sent = 0; sent < 60; sent += 10) {
            log.send(topic, orders(sent, sent + 10));
            awaitLake(sent + 10);
        }
        int small = Coverage.files(dir.resolve("lake")).size();
        view.compact();
        List<LakeFile> merged = Coverage.files(dir.resolve("lake"));
        assertThat(merged.size()).isLessThan(small);
        assertThat(lake()).containsExactly(60, 60);

        view.rebuild();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> view.freshness().getFirst().partitions().size() == 2
                        && view.freshness().getFirst().lagEvents() == 0);
        assertThat(Coverage.files(dir.resolve("lake"))).isEqualTo(merged);
        assertThat(lake()).containsExactly(60, 60);

        // A merged file is lost: re-reading the log writes its records again, and only those.
        LakeFile lost = merged.stream()
                .filter(f -> f.date().equals(java.time.LocalDate.parse("2026-12-01")))
                .findFirst()
                .orElseThrow();
        Files.delete(lost.in(dir.resolve("lake")));
        assertThat(lake()[0]).isLessThan(60);
        view.rebuild();
        awaitLake(60);
        view.compact();
        assertThat(lake()).containsExactly(60, 60);
    }

    @Test
    void undecodable_records_are_skipped_and_counted_without_stopping_the_partition() throws Exception {
        log.sendUndecodable(topic, "k", "not an event");
        log.send(topic, orders(0, 5));
        start();
        awaitLake(5);
        assertThat(view.skippedEvents()).isEqualTo(1);
    }
}
