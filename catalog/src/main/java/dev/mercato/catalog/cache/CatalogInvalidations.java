package dev.mercato.catalog.cache;

import dev.mercato.catalog.Sku;
import dev.mercato.catalog.events.ProductUpserted;
import dev.mercato.plane.consume.LogPartition;
import dev.mercato.plane.consume.LogRecord;
import dev.mercato.plane.consume.LogSink;
import dev.mercato.plane.consume.LogSource;
import dev.mercato.plane.consume.LogSubscription;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.Topics;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the catalog's topic and invalidates the cache with each product's new version. It keeps no
 * checkpoint: a cache starts empty, so it only needs what happens from now on, and it joins its own
 * consumer group so every instance sees every event.
 */
public final class CatalogInvalidations implements LogSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CatalogInvalidations.class);

    private final ProductCache cache;
    private final LogSource source;
    private final String topic = Topics.of("catalog");
    private final LogSubscription subscription;

    private CatalogInvalidations(ProductCache cache, LogSource source) {
        this.cache = cache;
        this.source = source;
        // A group of its own, so its only reader: it takes every partition without waiting for a group.
        this.subscription = source.assign("cache.catalog." + UUID.randomUUID(), List.of(topic), this);
    }

    public static CatalogInvalidations start(ProductCache cache, LogSource source) {
        return new CatalogInvalidations(cache, source);
    }

    @Override
    public Map<LogPartition, Long> assigned(Collection<LogPartition> partitions) {
        // From the log's end: what is older than now was written before any entry of this cache was loaded.
        Map<LogPartition, Long> ends = source.endOffsets(List.of(topic));
        return partitions.stream().collect(Collectors.toMap(p -> p, p -> ends.getOrDefault(p, 0L)));
    }

    @Override
    public void revoked(Collection<LogPartition> partitions) {}

    @Override
    public boolean accepting() {
        return true;
    }

    @Override
    public void accept(List<LogRecord> records) {
        for (LogRecord r : records) {
            if (r.event() != null && r.event().type().equals(ProductUpserted.TYPE)) {
                try {
                    ProductUpserted p = EventJson.read(r.event().data(), ProductUpserted.class);
                    cache.changed(Sku.of(p.sku()), p.version());
                } catch (RuntimeException e) {
                    // A payload the cache cannot read: drop the entry by key, it reloads from the source.
                    log.warn("Unreadable catalog event at {}@{}: {}", r.partition(), r.offset(), e.toString());
                    cache.invalidate(Sku.of(r.event().aggregateId()));
                }
            }
        }
    }

    @Override
    public void observed(LogPartition partition, long logEnd, Instant oldestWaiting) {}

    @Override
    public void close() {
        subscription.close();
    }
}
