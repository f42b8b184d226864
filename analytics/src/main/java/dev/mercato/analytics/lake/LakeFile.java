package dev.mercato.analytics.lake;

import dev.mercato.plane.consume.LogPartition;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Parquet file of the lake. Its path says everything the lake needs to know without opening it: the
 * events' date and type (the Hive-style folders) and the log range it covers (the name), so the file names
 * are the lake's checkpoint.
 *
 * @param path relative to the lake root, with forward slashes: {@code
 *     event_date=2026-12-01/event_type=orders.order-placed/mercato.orders-3-120-180.parquet}
 */
public record LakeFile(String path, LocalDate date, String type, LogPartition partition, long from, long to) {

    private static final Pattern PATH = Pattern.compile(
            "event_date=(\\d{4}-\\d{2}-\\d{2})/event_type=([a-z0-9.-]+)/(.+)-(\\d+)-(\\d+)-(\\d+)\\.parquet");

    public static LakeFile of(LocalDate date, String type, LogPartition partition, long from, long to) {
        String path = "event_date=" + date + "/event_type=" + type + "/" + partition.topic() + "-"
                + partition.partition() + "-" + from + "-" + to + ".parquet";
        return new LakeFile(path, date, type, partition, from, to);
    }

    /** Parses a path relative to the lake root; empty for anything that is not a finished lake file. */
    public static Optional<LakeFile> parse(String relative) {
        Matcher m = PATH.matcher(relative.replace('\\', '/'));
        if (!m.matches()) {
            return Optional.empty();
        }
        LogPartition partition = new LogPartition(m.group(3), Integer.parseInt(m.group(4)));
        return Optional.of(new LakeFile(
                m.group(0),
                LocalDate.parse(m.group(1)),
                m.group(2),
                partition,
                Long.parseLong(m.group(5)),
                Long.parseLong(m.group(6))));
    }

    public Path in(Path lake) {
        return lake.resolve(path);
    }
}
