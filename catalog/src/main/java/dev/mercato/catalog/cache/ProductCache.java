package dev.mercato.catalog.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.mercato.catalog.Product;
import dev.mercato.catalog.Sku;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot product reads, derived from the catalog and allowed to be wrong only briefly:
 *
 * <ul>
 *   <li><b>versioned</b>: every catalog event names the product's new version; an entry older than the
 *       newest version seen is never served, so a load that raced an invalidation cannot stick;
 *   <li><b>TTL</b>: an entry lives at most {@code ttl} even if every event were lost;
 *   <li><b>coalesced</b>: concurrent misses of one SKU wait for a single load (a stampede on a hot
 *       product costs the database one query);
 *   <li><b>fallback</b>: when the cache itself fails, the read goes to the source.
 * </ul>
 *
 * Checkout never reads through it: orders are priced from the source of truth.
 */
public final class ProductCache {

    private static final Logger log = LoggerFactory.getLogger(ProductCache.class);

    private final Function<Sku, Optional<Product>> source;
    private final LoadingCache<Sku, Optional<Product>> entries;
    // The newest version announced per SKU; kept as long as an entry could be, then forgotten.
    private final Cache<Sku, Long> newest;
    private final AtomicLong fallbacks = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();

    public ProductCache(Function<Sku, Optional<Product>> source, Duration ttl, long maximumSize) {
        this(source, ttl, maximumSize, Ticker.systemTicker());
    }

    /** With the clock entries age by: tests move it instead of waiting. */
    public ProductCache(Function<Sku, Optional<Product>> source, Duration ttl, long maximumSize, Ticker ticker) {
        this.source = source;
        this.entries = Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfterWrite(ttl)
                .maximumSize(maximumSize)
                .recordStats()
                .build(sku -> {
                    try {
                        return source.apply(sku);
                    } catch (RuntimeException e) {
                        throw new CacheLoadFailure(e);
                    }
                });
        this.newest = Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfterWrite(ttl.multipliedBy(2))
                .maximumSize(maximumSize)
                .build();
    }

    public Optional<Product> get(Sku sku) {
        try {
            Optional<Product> cached = entries.get(sku);
            Long wanted = newest.getIfPresent(sku);
            if (wanted != null && cached.map(Product::version).orElse(0L) < wanted) {
                stale.incrementAndGet();
                entries.invalidate(sku);
                cached = entries.get(sku);
            }
            return cached;
        } catch (CacheLoadFailure e) {
            // The source itself failed: reading it again would only fail twice.
            throw (RuntimeException) e.getCause();
        } catch (RuntimeException e) {
            fallbacks.incrementAndGet();
            log.debug("Product cache failed for {}, reading the source: {}", sku, e.toString());
            return source.apply(sku);
        }
    }

    /** The catalog announced {@code version} of {@code sku} (an event, or a write in this process). */
    public void changed(Sku sku, long version) {
        newest.asMap().merge(sku, version, Math::max);
        entries.invalidate(sku);
    }

    /** A write in this process whose new version is not known here: drop the entry. */
    public void invalidate(Sku sku) {
        entries.invalidate(sku);
    }

    public LoadingCache<Sku, Optional<Product>> entries() {
        return entries;
    }

    /** Hit ratio and counts since start, plus how often a stale entry was refused and the source read instead. */
    public Stats stats() {
        CacheStats s = entries.stats();
        return new Stats(
                s.hitRate(),
                s.hitCount(),
                s.missCount(),
                s.loadCount(),
                s.evictionCount(),
                stale.get(),
                fallbacks.get());
    }

    public record Stats(
            double hitRatio, long hits, long misses, long loads, long evictions, long staleRefused, long fallbacks) {}

    /** Marks a failure of the source itself, which the cache must not hide by reading the source again. */
    static final class CacheLoadFailure extends RuntimeException {
        CacheLoadFailure(RuntimeException cause) {
            super(cause);
        }
    }
}
