package dev.mercato.bench;

import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Latencies recorded from many threads, reported as percentiles in milliseconds. */
final class Latencies {

    private final Recorder recorder = new Recorder(3);
    private Histogram total;

    void record(long nanos) {
        recorder.recordValue(Math.max(1, nanos / 1_000));
    }

    /** Takes what was recorded so far (in microseconds). */
    Histogram take() {
        Histogram interval = recorder.getIntervalHistogram();
        if (total == null) {
            total = interval.copy();
        } else {
            total.add(interval);
        }
        return total;
    }

    static String describe(Histogram h) {
        return String.format(
                Locale.ROOT,
                "p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.1f ms (%d samples)",
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0,
                h.getMaxValue() / 1000.0,
                h.getTotalCount());
    }
}
