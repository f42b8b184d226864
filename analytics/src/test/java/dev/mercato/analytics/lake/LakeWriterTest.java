package dev.mercato.analytics.lake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.analytics.TestEvents;
import dev.mercato.plane.consume.LogPartition;
import dev.mercato.plane.events.Event;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeWriterTest {

    @TempDir
    Path lake;

    static final Instant TODAY = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void a_batch_becomes_one_file_per_date_and_type_named_after_its_offsets() {
        LogPartition p = new LogPartition("mercato.orders", 2);
        List<LakeWriter.Entry> entries = new ArrayList<>();
        List<Event> events = List.of(
                TestEvents.orderPlaced("m1", "o1", "c1", "k1", "DE", TODAY, "S1", "toys", 1, "2.50"),
                TestEvents.statusChanged("m1", "o1", "placed", "cancelled", 2, TODAY),
                // Published today, happened two days ago: lands in its own date.
                TestEvents.orderPlaced(
                        "m1", "o0", "c1", "k0", "DE", TODAY.minusSeconds(2 * 86_400), "S1", "toys", 1, "2.50"));
        for (int i = 0; i < events.size(); i++) {
            entries.add(new LakeWriter.Entry(p, 10 + i, "k", events.get(i)));
        }
        try (LakeWriter writer = LakeWriter.open(lake)) {
            List<LakeFile> files = writer.write(p, entries, 10, 12);
            assertThat(files)
                    .extracting(LakeFile::path)
                    .containsExactlyInAnyOrder(
                            "event_date=2026-11-29/event_type=orders.order-placed/mercato.orders-2-10-12.parquet",
                            "event_date=2026-12-01/event_type=orders.order-placed/mercato.orders-2-10-12.parquet",
                            "event_date=2026-12-01/event_type=orders.order-status-changed/mercato.orders-2-10-12.parquet");
        }
        List<LakeFile> found = Coverage.files(lake);
        assertThat(found).hasSize(3);
        assertThat(found.getFirst().date()).isEqualTo(LocalDate.parse("2026-11-29"));
        Coverage coverage = Coverage.scan(lake);
        LakeFile.Slot placed = new LakeFile.Slot(p, LocalDate.parse("2026-12-01"), "orders.order-placed");
        assertThat(coverage.covers(placed, 11)).isTrue();
        assertThat(coverage.covers(placed, 13)).isFalse();
        assertThat(coverage.covers(new LakeFile.Slot(p, LocalDate.parse("2026-12-02"), "orders.order-placed"), 11))
                .isFalse();
        assertThat(coverage.resumeAt(p)).contains(13L);
    }

    @Test
    void a_batch_whose_renames_a_crash_cut_is_finished_on_the_next_open() throws Exception {
        LogPartition p = new LogPartition("mercato.orders", 0);
        List<LakeWriter.Entry> entries = List.of(
                new LakeWriter.Entry(
                        p,
                        0,
                        "k",
                        TestEvents.orderPlaced("m1", "o1", "c1", "k1", "DE", TODAY, "S1", "toys", 1, "2.50")),
                new LakeWriter.Entry(p, 1, "k", TestEvents.statusChanged("m1", "o1", "placed", "cancelled", 2, TODAY)));
        List<LakeFile> files;
        try (LakeWriter writer = LakeWriter.open(lake)) {
            files = writer.write(p, entries, 0, 1);
        }
        // As the crash left it: the first file moved, the second still staged, the moves written down.
        Path staged = lake.resolve(".staging/mercato.orders-0-0-1/event_type=x/part0.parquet");
        java.nio.file.Files.createDirectories(staged.getParent());
        java.nio.file.Files.move(files.get(1).in(lake), staged);
        java.nio.file.Files.writeString(
                lake.resolve(".staging/mercato.orders-0-0-1.moves"),
                lake.relativize(lake.resolve("elsewhere.parquet")) + "\t"
                        + files.get(0).path() + "\n" + lake.relativize(staged) + "\t"
                        + files.get(1).path() + "\n");
        assertThat(Coverage.files(lake)).hasSize(1);

        LakeWriter.open(lake).close();

        assertThat(Coverage.files(lake)).containsExactlyInAnyOrderElementsOf(files);
        assertThat(lake.resolve(".staging")).doesNotExist();
    }

    @Test
    void coverage_merges_ranges_so_holes_stay_visible() {
        Coverage c = new Coverage();
        LogPartition lp = new LogPartition("t", 0);
        LakeFile.Slot p = new LakeFile.Slot(lp, LocalDate.parse("2026-12-01"), "cart.cart-created");
        c.add(p, 0, 9);
        c.add(p, 20, 29);
        c.add(p, 10, 12);
        assertThat(c.covers(p, 12)).isTrue();
        assertThat(c.covers(p, 15)).isFalse();
        assertThat(c.resumeAt(lp)).contains(30L);
        c.add(p, 13, 19);
        assertThat(c.covers(p, 15)).isTrue();
    }
}
