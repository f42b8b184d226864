package dev.mercato.analytics.lake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.analytics.Table;
import dev.mercato.analytics.generator.DataGenerator;
import dev.mercato.analytics.warehouse.Reports;
import dev.mercato.analytics.warehouse.Warehouse;
import dev.mercato.plane.consume.LogPartition;
import dev.mercato.plane.events.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactorTest {

    static final LocalDate START = LocalDate.parse("2026-01-01");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-10T00:00:00Z"), ZoneOffset.UTC);
    static final List<LogPartition> PARTITIONS =
            List.of(new LogPartition("mercato.all", 0), new LogPartition("mercato.all", 1));

    @TempDir
    Path dir;

    Path lake;
    LakeWriter writer;
    Compactor compactor;
    List<Warehouse> warehouses = new ArrayList<>();
    Map<LogPartition, Long> next = new LinkedHashMap<>();
    int events;

    @BeforeEach
    void open() {
        lake = dir.resolve("lake").toAbsolutePath();
        writer = LakeWriter.open(lake);
        compactor = new Compactor(lake, Duration.ZERO, 128L << 20);
    }

    @AfterEach
    void close() {
        warehouses.forEach(Warehouse::close);
        compactor.close();
        writer.close();
    }

    Warehouse warehouse(String name) {
        Warehouse w = Warehouse.open(dir.resolve(name + ".duckdb"), lake, CLOCK);
        warehouses.add(w);
        return w;
    }

    /** Five days of a generated shop (several dates and types per batch), as the consumer writes it. */
    static List<Event> shop() {
        List<Event> events = new ArrayList<>();
        Instant end = START.plusDays(5).atStartOfDay(ZoneOffset.UTC).toInstant();
        new DataGenerator(11, 40, 30, 2).events(START, 1, 30, e -> {
            if (e.time().isBefore(end)) {
                events.add(e);
            }
        });
        return events;
    }

    /** Writes the events as batches of {@code perBatch} records of each partition, keyed as the log keys them. */
    void flush(List<Event> all, int perBatch) {
        Map<LogPartition, List<Event>> byPartition = new LinkedHashMap<>();
        for (Event e : all) {
            byPartition
                    .computeIfAbsent(
                            PARTITIONS.get(Math.floorMod(e.key().hashCode(), PARTITIONS.size())),
                            k -> new ArrayList<>())
                    .add(e);
        }
        byPartition.forEach((p, list) -> {
            for (int i = 0; i < list.size(); i += perBatch) {
                long from = next.getOrDefault(p, 0L);
                List<LakeWriter.Entry> entries = new ArrayList<>();
                for (Event e : list.subList(i, Math.min(list.size(), i + perBatch))) {
                    entries.add(new LakeWriter.Entry(p, next.merge(p, 1L, Long::sum) - 1, e.key(), e));
                }
                writer.write(p, entries, from, next.get(p) - 1);
            }
        });
        events += all.size();
    }

    List<Compactor.Sized> files(LogPartition p) {
        return compactor.sized(LakeFile.list(lake).stream()
                .filter(f -> f.partition().equals(p))
                .toList());
    }

    Compactor.Done compactAll(Instant now) {
        Compactor.Done done = Compactor.Done.NONE;
        for (LogPartition p : PARTITIONS) {
            done = done.plus(compactor.compact(
                    p, files(p).stream().map(Compactor.Sized::file).toList(), now));
        }
        return done;
    }

    /** Rows and distinct events over the given lake files, as a reader of the lake sees them. */
    long[] rows(List<LakeFile> files) throws Exception {
        String list = files.stream().map(f -> "'" + f.in(lake) + "'").collect(Collectors.joining(", ", "[", "]"));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT event_id) FROM read_parquet(" + list
                        + ", hive_partitioning = false)")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    long[] live() throws Exception {
        return rows(LakeFile.live(LakeFile.list(lake)));
    }

    /** What the warehouse answers: its three reports over the period and its facts' sizes. */
    static Map<String, String> totals(Warehouse w) throws Exception {
        Map<String, String> totals = new TreeMap<>();
        Reports reports = new Reports(CLOCK);
        Map<String, String> period = Map.of("from", "2026-01-01", "to", "2026-01-09");
        try (Connection c = w.connection()) {
            for (String name : Reports.NAMES) {
                Table t = reports.run(c, name, reports.normalize(name, period));
                totals.put(name, t.rows().toString());
            }
            for (String fact :
                    List.of("fact_order_line", "fact_order_status", "fact_payment", "fact_cart_event", "dim_order")) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + fact)) {
                    rs.next();
                    totals.put(fact, rs.getString(1));
                }
            }
        }
        return totals;
    }

    static long loadedFiles(Warehouse w) throws Exception {
        try (Connection c = w.connection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM lake_file")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void many_small_flushes_become_one_file_per_slot_and_range_and_the_warehouse_answers_the_same() throws Exception {
        flush(shop(), 25);
        List<LakeFile> before = LakeFile.list(lake);
        Warehouse w = warehouse("w");
        w.refresh();
        Map<String, String> totals = totals(w);
        assertThat(totals.get("fact_order_line")).isNotEqualTo("0");
        Coverage coverageBefore = Coverage.scan(lake);

        Compactor.Done done = compactAll(CLOCK.instant().plusSeconds(86_400 * 400));

        List<LakeFile> after = LakeFile.list(lake);
        assertThat(done.deleted()).isEqualTo(before.size() - after.size() + done.written());
        for (LogPartition p : PARTITIONS) {
            List<LakeFile> of =
                    after.stream().filter(f -> f.partition().equals(p)).toList();
            List<LakeFile> was =
                    before.stream().filter(f -> f.partition().equals(p)).toList();
            // One file per date and type, all named after the partition's whole range.
            assertThat(of)
                    .hasSize((int) was.stream().map(LakeFile::slot).distinct().count());
            assertThat(of).extracting(LakeFile::from).containsOnly(0L);
            assertThat(of).extracting(LakeFile::to).containsOnly(next.get(p) - 1);
            assertThat(was.size()).isGreaterThan(of.size() * 3);
            assertThat(Coverage.scan(lake).resumeAt(p)).isEqualTo(coverageBefore.resumeAt(p));
        }
        assertThat(before.size()).isGreaterThan(4 * after.size());
        assertThat(live()).containsExactly(events, events);
        // Every offset the small files covered is covered, so a re-read writes none of them again.
        for (LakeFile f : before) {
            assertThat(Coverage.scan(lake).covers(f.slot(), f.from())).isTrue();
            assertThat(Coverage.scan(lake).covers(f.slot(), f.to())).isTrue();
        }

        // The warehouse holds these rows already: it records the merged files without reading them.
        Warehouse.Refreshed r = w.refresh();
        assertThat(r.events()).isZero();
        assertThat(r.files()).isEqualTo(after.size());
        assertThat(totals(w)).isEqualTo(totals);
        assertThat(loadedFiles(w)).isEqualTo(after.size());
        assertThat(w.refresh().files()).isZero();
        assertThat(w.pending()).isEmpty();
        // A warehouse built from the merged lake answers the same.
        Warehouse fresh = warehouse("fresh");
        assertThat(fresh.refresh().events()).isEqualTo(events);
        assertThat(totals(fresh)).isEqualTo(totals);
        // Compacting again finds nothing to merge.
        assertThat(compactAll(CLOCK.instant().plusSeconds(86_400 * 400)).merges())
                .isZero();
    }

    @Test
    void a_crash_between_the_merge_and_its_deletes_counts_nothing_twice_and_a_restart_finishes_it() throws Exception {
        flush(shop(), 25);
        Warehouse w = warehouse("w");
        w.refresh();
        Map<String, String> totals = totals(w);
        LogPartition p = PARTITIONS.getFirst();
        List<Compactor.Merge> plan = compactor.plan(files(p), 1, Instant.now());
        assertThat(plan).hasSize(1);
        int inputs = plan.getFirst().inputs().size();
        int all = LakeFile.list(lake).size();

        // Merged and renamed into place, then the process dies before deleting the inputs.
        List<LakeFile> merged = compactor.publish(compactor.stage(plan.getFirst()));

        List<LakeFile> onDisk = LakeFile.list(lake);
        assertThat(onDisk).hasSize(all + merged.size());
        // A reader of every file would count the inputs twice; the live files hold each event once.
        assertThat(rows(onDisk)[0]).isGreaterThan(events);
        assertThat(live()).containsExactly(events, events);
        assertThat(LakeFile.live(onDisk)).hasSize(all - inputs + merged.size());
        assertThat(w.pending()).containsExactlyInAnyOrderElementsOf(merged);
        assertThat(w.refresh().events()).isZero();
        assertThat(totals(w)).isEqualTo(totals);
        Warehouse fresh = warehouse("fresh");
        assertThat(fresh.refresh().events()).isEqualTo(events);
        assertThat(totals(fresh)).isEqualTo(totals);
        Coverage coverage = Coverage.scan(lake);

        // The restart (LakeView.start) deletes what the merged files supersede, and nothing else.
        assertThat(Compactor.sweep(lake)).isEqualTo(inputs);
        assertThat(LakeFile.list(lake)).hasSize(all - inputs + merged.size());
        assertThat(rows(LakeFile.list(lake))).containsExactly(events, events);
        assertThat(Coverage.scan(lake).resumeAt(p)).isEqualTo(coverage.resumeAt(p));
        assertThat(w.refresh().files()).isZero();
        assertThat(totals(w)).isEqualTo(totals);
    }

    @Test
    void a_crash_before_or_between_the_renames_leaves_each_slot_whole() throws Exception {
        flush(shop(), 25);
        LogPartition p = PARTITIONS.getFirst();
        List<LakeFile> before = LakeFile.list(lake);
        List<Compactor.Staged> staged =
                compactor.stage(compactor.plan(files(p), 1, Instant.now()).getFirst());
        assertThat(staged).hasSizeGreaterThan(1);

        // Died before any rename: the staged files are not in the lake, and the next open drops them.
        assertThat(LakeFile.list(lake)).isEqualTo(before);
        assertThat(live()).containsExactly(events, events);

        // Died after the first rename: that slot is merged, the others are as they were.
        compactor.publish(staged.subList(0, 1));
        assertThat(live()).containsExactly(events, events);
        writer.close();
        writer = LakeWriter.open(lake);
        assertThat(Files.exists(staged.get(1).written())).isFalse();
        Compactor.sweep(lake);
        assertThat(rows(LakeFile.list(lake))).containsExactly(events, events);

        // The next run merges what is left.
        compact(compactor, p, Instant.now());
        assertThat(LakeFile.list(lake).stream()
                        .filter(f -> f.partition().equals(p))
                        .map(f -> f.from() + "-" + f.to())
                        .distinct())
                .containsExactly("0-" + (next.get(p) - 1));
        assertThat(live()).containsExactly(events, events);
    }

    @Test
    void a_warehouse_that_had_loaded_only_some_inputs_loads_the_merged_file_and_counts_each_event_once()
            throws Exception {
        List<Event> shop = shop();
        flush(shop.subList(0, shop.size() / 2), 25);
        Warehouse w = warehouse("w");
        w.refresh();
        flush(shop.subList(shop.size() / 2, shop.size()), 25);

        compactAll(Instant.now());

        // Merged files of slots whose inputs it all holds are recorded; the others are read again.
        Warehouse.Refreshed r = w.refresh();
        assertThat(r.events()).isPositive().isLessThan(events);
        assertThat(r.files()).isEqualTo(LakeFile.list(lake).size());
        Warehouse fresh = warehouse("fresh");
        fresh.refresh();
        assertThat(totals(w)).isEqualTo(totals(fresh));
        assertThat(loadedFiles(w)).isEqualTo(LakeFile.list(lake).size());
    }

    @Test
    void closed_hours_and_days_merge_again_and_young_files_wait() throws Exception {
        Instant t0 = Instant.parse("2026-03-02T10:05:00Z");
        List<Event> shop = shop();
        // Four flushes at 10:05, 10:35, 11:05, 11:35, and one of the next day.
        int quarter = shop.size() / 5;
        for (int i = 0; i < 5; i++) {
            List<LakeFile> was = LakeFile.list(lake);
            flush(shop.subList(i * quarter, i == 4 ? shop.size() : (i + 1) * quarter), 10_000);
            Instant at = i == 4 ? t0.plus(Duration.ofDays(1)) : t0.plus(Duration.ofMinutes(30L * i));
            for (LakeFile f : LakeFile.list(lake)) {
                if (!was.contains(f)) {
                    Files.setLastModifiedTime(f.in(lake), FileTime.from(at));
                }
            }
        }
        Compactor c = new Compactor(lake, Duration.ofMinutes(10), 128L << 20);
        LogPartition p = PARTITIONS.getFirst();
        // 10:50: the first two are old enough for level 1, the others not yet.
        Instant now = t0.plus(Duration.ofMinutes(45));
        assertThat(c.plan(files(p), 1, now))
                .singleElement()
                .satisfies(m -> assertThat(m.inputs())
                        .extracting(s -> s.modified())
                        .allMatch(m2 -> !m2.isAfter(t0.plus(Duration.ofMinutes(30)))));
        assertThat(c.plan(files(p), 2, now)).isEmpty();
        compact(c, p, now);
        assertThat(LakeFile.list(lake))
                .filteredOn(f -> f.partition().equals(p))
                .extracting(LakeFile::level)
                .contains(0, 1);

        // 12:15: the hour 10:00-11:00 has closed; hour 11 merges at level 1 only.
        now = t0.plus(Duration.ofMinutes(130));
        compact(c, p, now);
        Set<Integer> levels = LakeFile.list(lake).stream()
                .filter(f -> f.partition().equals(p))
                .map(LakeFile::level)
                .collect(Collectors.toSet());
        assertThat(levels).contains(1).doesNotContain(2);
        // 10:00's merged file has one file per slot already: nothing to gain at level 2.
        assertThat(c.plan(files(p), 2, now)).isEmpty();

        // Two days later: the first day's files merge into one per slot, the next day's young flush stays apart.
        now = t0.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(5));
        compact(c, p, now);
        now = t0.plus(Duration.ofDays(3));
        compact(c, p, now);
        List<LakeFile> left = LakeFile.list(lake).stream()
                .filter(f -> f.partition().equals(p))
                .toList();
        assertThat(left).extracting(LakeFile::level).contains(3);
        assertThat(left.stream().map(f -> f.from() + "-" + f.to()).distinct().count())
                .isEqualTo(2);
        assertThat(rows(LakeFile.list(lake))).containsExactly(events, events);
        c.close();
    }

    Compactor.Done compact(Compactor c, LogPartition p, Instant now) {
        return c.compact(p, files(p).stream().map(Compactor.Sized::file).toList(), now);
    }

    static Compactor.Sized sized(String type, long from, long to, int level) {
        return new Compactor.Sized(
                LakeFile.of(START, type, PARTITIONS.getFirst(), from, to, level), 1000, Instant.EPOCH);
    }

    @Test
    void a_merge_takes_every_file_its_range_overlaps_and_stops_at_a_hole() {
        List<Compactor.Sized> files = List.of(
                sized("a", 0, 9, 0),
                sized("b", 0, 9, 0),
                sized("a", 10, 19, 0),
                // A re-read's file spans records other files hold: whatever overlaps it merges with it.
                sized("b", 15, 40, 0),
                sized("a", 20, 29, 0),
                sized("a", 30, 40, 0),
                // 41..49: no file; most likely nothing, but possibly a batch lost whole.
                sized("a", 50, 59, 0),
                sized("a", 60, 69, 0));
        List<Compactor.Merge> plan = compactor.plan(files, 1, Instant.now());
        assertThat(plan)
                .extracting(m -> m.from() + "-" + m.to() + ":" + m.inputs().size())
                .containsExactly("0-40:6", "50-69:2");
        // A consumer's file never supersedes (its range may span records it does not hold); a merged one does.
        assertThat(sized("b", 15, 40, 0).file().supersedes(sized("b", 20, 29, 0).file()))
                .isFalse();
        assertThat(sized("b", 0, 40, 1).file().supersedes(sized("b", 20, 29, 0).file()))
                .isTrue();
        assertThat(sized("b", 0, 40, 1).file().supersedes(sized("a", 20, 29, 0).file()))
                .isFalse();
        assertThat(sized("b", 0, 40, 2).file().supersedes(sized("b", 0, 40, 1).file()))
                .isTrue();
        // A small target cuts the run between groups, never inside one; 0-9 alone has one file per slot.
        Compactor small = new Compactor(lake, Duration.ZERO, 2500);
        assertThat(small.plan(files, 1, Instant.now()))
                .extracting(m -> m.from() + "-" + m.to())
                .containsExactly("10-40", "50-69");
    }
}
