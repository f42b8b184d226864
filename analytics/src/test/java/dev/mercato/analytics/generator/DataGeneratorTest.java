package dev.mercato.analytics.generator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.analytics.lake.LakeWriter;
import dev.mercato.analytics.warehouse.Reports;
import dev.mercato.analytics.warehouse.Warehouse;
import dev.mercato.plane.consume.LogPartition;
import dev.mercato.plane.events.Event;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataGeneratorTest {

    static final LocalDate START = LocalDate.parse("2026-01-01");

    @TempDir
    Path dir;

    static List<Event> events(long seed) {
        List<Event> events = new ArrayList<>();
        new DataGenerator(seed, 50, 40, 3).events(START, 2, 20, events::add);
        return events;
    }

    @Test
    void one_seed_gives_the_same_shop_and_the_same_events_every_time() {
        List<Event> a = events(42);
        List<Event> b = events(42);
        assertThat(a).isEqualTo(b);
        assertThat(a.stream().map(Event::id).distinct().count()).isEqualTo(a.size());
        assertThat(events(43)).isNotEqualTo(a);
    }

    @Test
    void its_events_written_in_bulk_to_the_lake_give_the_revenue_its_orders_add_up_to() throws Exception {
        DataGenerator generator = new DataGenerator(7, 50, 40, 3);
        Map<String, BigDecimal> expected = new TreeMap<>();
        generator.orders(START, 2, 20, o -> {
            if (o.status().equals("delivered")) {
                for (DataGenerator.Line l : o.lines()) {
                    expected.merge(o.customer().country() + "|" + l.product().category(), l.total(), BigDecimal::add);
                }
            }
        });
        List<Event> events = new ArrayList<>();
        generator.events(START, 2, 20, events::add);
        LogPartition p = new LogPartition("generated", 0);
        List<LakeWriter.Entry> entries = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            entries.add(new LakeWriter.Entry(p, i, events.get(i).key(), events.get(i)));
        }
        try (LakeWriter writer = LakeWriter.open(dir.resolve("lake"));
                Warehouse warehouse = Warehouse.open(
                        dir.resolve("w.duckdb"),
                        dir.resolve("lake"),
                        Clock.fixed(START.atStartOfDay(ZoneOffset.UTC).toInstant(), ZoneOffset.UTC))) {
            writer.write(p, entries, 0, entries.size() - 1);
            warehouse.refresh();
            Map<String, BigDecimal> actual = new TreeMap<>();
            try (Connection c = warehouse.connection();
                    PreparedStatement s = c.prepareStatement(Reports.REVENUE_SQL)) {
                s.setObject(1, START);
                s.setObject(2, START.plusMonths(2));
                s.setString(3, null);
                s.setString(4, null);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        actual.put(
                                rs.getString("country") + "|" + rs.getString("category"), rs.getBigDecimal("revenue"));
                    }
                }
            }
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            expected.forEach((k, v) -> assertThat(actual.get(k)).as(k).isEqualByComparingTo(v));
        }
    }
}
