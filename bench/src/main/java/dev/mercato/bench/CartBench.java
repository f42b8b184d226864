package dev.mercato.bench;

import dev.mercato.cart.Cart;
import dev.mercato.cart.CartId;
import dev.mercato.cart.domain.CartService;
import dev.mercato.cart.store.RocksCartStore;
import dev.mercato.cart.store.RocksStore;
import dev.mercato.catalog.ProductDraft;
import dev.mercato.catalog.Sku;
import dev.mercato.catalog.cache.ProductCache;
import dev.mercato.catalog.domain.CatalogService;
import dev.mercato.catalog.store.JdbcProducts;
import dev.mercato.customers.CustomerId;
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
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cart operations in process, as the platform runs them: {@link CartService} over RocksDB with synced
 * writes (each acknowledged change is on disk), product lookups through the catalog's cache over embedded
 * PostgreSQL. A mix of reads, line changes and removals over many carts, from several threads; each
 * thread works on its own carts, as a shopper does.
 *
 * <p>Run: {@code ./mvnw -q -pl bench exec:java -Dexec.mainClass=dev.mercato.bench.CartBench
 * -Dexec.args="20 16"} (seconds, threads).
 */
public final class CartBench {

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        Path folder = Files.createTempDirectory("mercato-cart-bench");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(EmbeddedPostgresSettings.of(folder.resolve("pg")));
                PostgresStores stores = new PostgresStores(
                        pg, "cartbench", "bench-role-secret-0123456789", PostgresStores.PoolSettings.DEFAULT);
                RocksStore rocks = RocksStore.open(folder.resolve("carts"))) {
            CapabilityStore catalogStore = stores.open("catalog");
            stores.migrate(catalogStore, "classpath:db/plane/outbox", "plane_outbox_history");
            JdbcProducts products = new JdbcProducts(catalogStore, new Outbox(catalogStore, Clock.systemUTC()));
            List<Sku> skus = new ArrayList<>();
            List<ProductDraft> drafts = new ArrayList<>();
            for (int i = 1; i <= 1_000; i++) {
                Sku sku = Sku.of(String.format("BEN-%04d", i));
                skus.add(sku);
                drafts.add(new ProductDraft(
                        sku,
                        MerchantId.of("bench"),
                        "Bench product " + i,
                        "",
                        "home/bench",
                        Money.of("9.90", "EUR"),
                        Map.of()));
            }
            CatalogService catalog =
                    new CatalogService(products, new ProductCache(products::find, Duration.ofSeconds(60), 10_000));
            catalog.upsert(drafts);
            CartService carts =
                    new CartService(new RocksCartStore(rocks), catalog, Clock.systemUTC(), Duration.ofHours(24));
            System.out.printf(
                    Locale.ROOT,
                    "%d cores, java %s, %d threads, %d s, 1,000 products, RocksDB synced writes%n",
                    Runtime.getRuntime().availableProcessors(),
                    Runtime.version(),
                    threads,
                    seconds);
            for (String phase : List.of("warm-up", "measured")) {
                run(carts, skus, phase.equals("warm-up") ? 5 : seconds, threads, phase);
            }
        }
    }

    static void run(CartService carts, List<Sku> skus, int seconds, int threads, String phase) throws Exception {
        Latencies reads = new Latencies();
        Latencies writes = new Latencies();
        Latencies all = new Latencies();
        AtomicLong operations = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                long seed = 1000L + t;
                pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    List<CartId> mine = new ArrayList<>();
                    CustomerId owner = CustomerId.of("bench-" + seed);
                    while (System.nanoTime() < end) {
                        long began = System.nanoTime();
                        int roll = random.nextInt(100);
                        boolean write;
                        if (mine.isEmpty() || roll < 5) {
                            Cart cart = carts.create(Optional.of(owner));
                            mine.add(cart.id());
                            if (mine.size() > 50) {
                                mine.removeFirst();
                            }
                            write = true;
                        } else {
                            CartId cart = mine.get(random.nextInt(mine.size()));
                            if (roll < 50) {
                                carts.find(cart);
                                write = false;
                            } else {
                                Sku sku = skus.get(random.nextInt(skus.size()));
                                int quantity = roll < 90 ? 1 + random.nextInt(5) : 0;
                                carts.setQuantity(cart, sku, quantity, OptionalLong.empty());
                                write = true;
                            }
                        }
                        long took = System.nanoTime() - began;
                        (write ? writes : reads).record(took);
                        all.record(took);
                        operations.incrementAndGet();
                    }
                    return null;
                });
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%s: %.0f cart operations/s; all %s; reads %s; writes %s%n",
                phase,
                operations.get() / (double) seconds,
                Latencies.describe(all.take()),
                Latencies.describe(reads.take()),
                Latencies.describe(writes.take()));
    }

    private CartBench() {}
}
