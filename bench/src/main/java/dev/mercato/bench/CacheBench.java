package dev.mercato.bench;

import dev.mercato.catalog.ProductDraft;
import dev.mercato.catalog.Sku;
import dev.mercato.catalog.cache.ProductCache;
import dev.mercato.catalog.domain.CatalogService;
import dev.mercato.catalog.store.JdbcProducts;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.EmbeddedPostgres;
import dev.mercato.plane.postgres.EmbeddedPostgresSettings;
import dev.mercato.plane.postgres.PostgresStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The product cache on a skewed read load: reads of 20,000 products drawn from a Zipf distribution (a few
 * products get most of the traffic, as on a storefront) from several threads, through {@link
 * CatalogService#product} (the cache over embedded PostgreSQL), while a writer changes 20 products a
 * second (each change invalidates its entry). Reports hit ratio, reads/s and latency; then the same load
 * with the cache bypassed, for the database's cost.
 *
 * <p>Run: {@code ./mvnw -q -pl bench exec:java -Dexec.mainClass=dev.mercato.bench.CacheBench
 * -Dexec.args="20 8 1.1"} (seconds, threads, Zipf exponent).
 */
public final class CacheBench {

    static final int PRODUCTS = 20_000;

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        double exponent = args.length > 2 ? Double.parseDouble(args[2]) : 1.1;
        Path folder = Files.createTempDirectory("mercato-cache-bench");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(EmbeddedPostgresSettings.of(folder.resolve("pg")));
                PostgresStores stores = new PostgresStores(
                        pg, "cachebench", "bench-role-secret-0123456789", PostgresStores.PoolSettings.DEFAULT)) {
            CapabilityStore store = stores.open("catalog");
            stores.migrate(store, "classpath:db/plane/outbox", "plane_outbox_history");
            JdbcProducts products = new JdbcProducts(store, new Outbox(store, Clock.systemUTC()));
            List<Sku> skus = new ArrayList<>();
            List<ProductDraft> batch = new ArrayList<>();
            for (int i = 1; i <= PRODUCTS; i++) {
                Sku sku = Sku.of(String.format("ZIPF-%05d", i));
                skus.add(sku);
                batch.add(draft(sku, "9.90"));
                if (batch.size() == 1_000) {
                    products.upsert(batch);
                    batch.clear();
                }
            }
            ProductCache cache = new ProductCache(products::find, Duration.ofSeconds(60), 100_000);
            CatalogService catalog = new CatalogService(products, cache);
            double[] cumulative = zipf(PRODUCTS, exponent);
            System.out.printf(
                    Locale.ROOT,
                    "%d cores, java %s, %d products, Zipf s=%.2f, %d threads, %d s, 20 product changes/s%n",
                    Runtime.getRuntime().availableProcessors(),
                    Runtime.version(),
                    PRODUCTS,
                    exponent,
                    threads,
                    seconds);
            run("warm-up", catalog, skus, cumulative, 5, threads, true);
            run("cache", catalog, skus, cumulative, seconds, threads, true);
            System.out.printf(
                    Locale.ROOT,
                    "cache: hit ratio %.5f, loads %d, stale entries refused %d%n",
                    cache.stats().hitRatio(),
                    cache.stats().loads(),
                    cache.stats().staleRefused());
            run("no cache (PostgreSQL)", catalog, skus, cumulative, seconds, threads, false);
        }
    }

    static ProductDraft draft(Sku sku, String price) {
        return new ProductDraft(
                sku, MerchantId.of("bench"), "Zipf " + sku, "", "home/bench", Money.of(price, "EUR"), Map.of());
    }

    /** Cumulative probabilities of ranks 1..n under Zipf with exponent s. */
    static double[] zipf(int n, double s) {
        double[] c = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += 1 / Math.pow(k, s);
            c[k - 1] = sum;
        }
        for (int k = 0; k < n; k++) {
            c[k] /= sum;
        }
        return c;
    }

    static int rank(double[] cumulative, double u) {
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    static void run(
            String name,
            CatalogService catalog,
            List<Sku> skus,
            double[] cumulative,
            int seconds,
            int threads,
            boolean cached)
            throws Exception {
        Latencies latencies = new Latencies();
        AtomicLong reads = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads + 1)) {
            pool.submit(() -> {
                // A merchant changing prices: 20 products a second, the hot ones too.
                SplittableRandom random = new SplittableRandom(7);
                long next = System.nanoTime();
                while (System.nanoTime() < end) {
                    Sku sku = skus.get(rank(cumulative, random.nextDouble()));
                    catalog.upsert(List.of(draft(sku, (5 + random.nextInt(50)) + ".00")));
                    next += 50_000_000L;
                    LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
                }
                return null;
            });
            for (int t = 0; t < threads; t++) {
                long seed = 100 + t;
                pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    while (System.nanoTime() < end) {
                        Sku sku = skus.get(rank(cumulative, random.nextDouble()));
                        long began = System.nanoTime();
                        if (cached) {
                            catalog.product(sku);
                        } else {
                            catalog.products(List.of(sku));
                        }
                        latencies.record(System.nanoTime() - began);
                        reads.incrementAndGet();
                    }
                    return null;
                });
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%s: %.0f reads/s, %s%n",
                name,
                reads.get() / (double) seconds,
                Latencies.describe(latencies.take()));
    }

    private CacheBench() {}
}
