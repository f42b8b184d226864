package dev.mercato.app.web;

import dev.mercato.plane.batch.Combiner;
import dev.mercato.plane.batch.WriteBatches;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/**
 * Each combined write of checkout (recording, reserving, confirming, authorizing, placing) as meters tagged
 * {@code step}: batches written and items they held since start, whose rates' ratio is the mean batch
 * size, and the callers queued for the next batch now.
 */
@Component
class WriteBatchMetrics implements MeterBinder {

    private final WriteBatches batches;

    WriteBatchMetrics(WriteBatches batches) {
        this.batches = batches;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Combiner<?, ?> c : batches.all()) {
            FunctionCounter.builder("mercato.write.batches", c, x -> x.stats().batches())
                    .tag("step", c.name())
                    .description("Transactions written by a combined write since start")
                    .register(registry);
            FunctionCounter.builder("mercato.write.batched", c, x -> x.stats().items())
                    .tag("step", c.name())
                    .description("Items those transactions held: divided by batches, the mean batch size")
                    .register(registry);
            Gauge.builder("mercato.write.queued", c, Combiner::queued)
                    .tag("step", c.name())
                    .description("Callers waiting for the next batch now")
                    .register(registry);
        }
    }
}
