package dev.mercato.catalog.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.catalog.Product;
import dev.mercato.catalog.Sku;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProductCacheTest {

    static final Sku MUG = Sku.of("MUG-1");

    /** The source of truth, as far as the cache can tell: a map, and a count of reads. */
    final Map<Sku, Product> truth = new ConcurrentHashMap<>();

    final AtomicInteger loads = new AtomicInteger();
    final AtomicLong nanos = new AtomicLong();

    ProductCache cache = new ProductCache(
            sku -> {
                loads.incrementAndGet();
                return Optional.ofNullable(truth.get(sku));
            },
            Duration.ofSeconds(60),
            1000,
            nanos::get);

    static Product mug(long version, String price) {
        return new Product(
                MUG,
                MerchantId.of("acme"),
                "Mug",
                "",
                "home",
                Money.of(price, "EUR"),
                Map.of(),
                Product.ACTIVE,
                version,
                Instant.EPOCH);
    }

    @Test
    void a_hot_product_is_read_from_the_source_once() {
        truth.put(MUG, mug(1, "9.90"));
        for (int i = 0; i < 100; i++) {
            assertThat(cache.get(MUG)).hasValue(mug(1, "9.90"));
        }
        assertThat(loads.get()).isEqualTo(1);
        assertThat(cache.stats().hitRatio()).isEqualTo(0.99);
    }

    @Test
    void a_stampede_on_a_missing_entry_costs_one_load() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ProductCache slow = new ProductCache(
                sku -> {
                    loads.incrementAndGet();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return Optional.of(mug(1, "9.90"));
                },
                Duration.ofSeconds(60),
                1000,
                nanos::get);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var readers = new java.util.ArrayList<java.util.concurrent.Future<Optional<Product>>>();
            for (int i = 0; i < 50; i++) {
                readers.add(pool.submit(() -> slow.get(MUG)));
            }
            // Every reader is waiting on the one load in flight (or has yet to ask); let it finish.
            org.awaitility.Awaitility.await().until(() -> loads.get() == 1);
            release.countDown();
            for (var r : readers) {
                assertThat(r.get()).hasValue(mug(1, "9.90"));
            }
        }
        assertThat(loads.get()).isEqualTo(1);
    }

    @Test
    void an_entry_older_than_the_newest_announced_version_is_never_served() {
        truth.put(MUG, mug(1, "9.90"));
        cache.get(MUG);
        truth.put(MUG, mug(2, "12.00"));
        cache.changed(MUG, 2);
        assertThat(cache.get(MUG)).hasValue(mug(2, "12.00"));

        // A load that raced the event and put version 2 back after version 3 was announced is refused.
        truth.put(MUG, mug(3, "15.00"));
        cache.changed(MUG, 3);
        cache.entries().put(MUG, Optional.of(mug(2, "12.00")));
        assertThat(cache.get(MUG)).hasValue(mug(3, "15.00"));
        assertThat(cache.stats().staleRefused()).isEqualTo(1);
    }

    @Test
    void an_entry_lives_no_longer_than_its_ttl_even_without_events() {
        truth.put(MUG, mug(1, "9.90"));
        cache.get(MUG);
        truth.put(MUG, mug(2, "12.00"));
        nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(cache.get(MUG)).hasValue(mug(1, "9.90"));
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(cache.get(MUG)).hasValue(mug(2, "12.00"));
    }

    @Test
    void a_failing_source_fails_the_read_once_and_is_not_hidden() {
        ProductCache broken = new ProductCache(
                sku -> {
                    loads.incrementAndGet();
                    throw new IllegalStateException("database down");
                },
                Duration.ofSeconds(60),
                1000,
                nanos::get);
        assertThatThrownBy(() -> broken.get(MUG)).hasMessage("database down");
        assertThat(loads.get()).isEqualTo(1);
    }
}
