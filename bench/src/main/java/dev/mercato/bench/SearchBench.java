package dev.mercato.bench;

import dev.mercato.catalog.events.ProductUpserted;
import dev.mercato.inventory.events.StockAdjusted;
import dev.mercato.inventory.events.StockReserved;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.consume.LogPartition;
import dev.mercato.plane.consume.LogRecord;
import dev.mercato.plane.consume.LogSink;
import dev.mercato.plane.consume.LogSource;
import dev.mercato.plane.consume.LogSubscription;
import dev.mercato.plane.consume.PartitionFreshness;
import dev.mercato.plane.consume.ViewFreshness;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.web.MoneyJson;
import dev.mercato.search.Search;
import dev.mercato.search.store.ListingsView;
import dev.mercato.search.store.SearchSettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The search view's Lucene index: how fast it applies events, and how fast it answers a realistic mix of
 * discovery queries under concurrent clients.
 *
 * <p>A deterministic (seeded) catalog of N products is fed to the view through its real consumer path
 * (decode, merge per SKU with sequence checks, Lucene update, refresh after every batch of 500, durable
 * commit every 5,000 records or 1 s) from an in-memory log, so the index is measured, not the broker. Then
 * the same for updates of existing products (prices, stock). Then the query mix runs against {@link
 * Search#search} (in process, no HTTP) on that index, updated in place as in production: one- and two-word
 * text, prefixes, typos, category browsing, price ranges, in-stock filters and every sort. Last, a rebuild
 * from the start of the log.
 *
 * <p>Closed loop (each client sends its next query when the last one answered) shows the most the index
 * serves; its latency at many clients is mostly waiting for a core. Paced (clients send at a fixed total
 * rate, latency counted from when each query was due, so falling behind shows as latency) shows latency
 * at a given load.
 *
 * <p>Run, after {@code ./mvnw -q -DskipTests install}: {@code ./mvnw -q -pl bench exec:java
 * -Dexec.mainClass=dev.mercato.bench.SearchBench -Dexec.args="100000 20 8,32 500,1000"} (products,
 * seconds measured per run, client counts closed loop, total rates paced over the largest client count).
 */
public final class SearchBench {

    private static final String CATALOG = "bench.catalog";
    private static final String INVENTORY = "bench.inventory";
    private static final int PARTITIONS = 8;
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private static final String[] ADJECTIVES = {
        "classic", "modern", "rustic", "compact", "large", "small", "handmade", "vintage", "minimal", "sturdy",
        "elegant", "folding", "stackable", "portable", "weatherproof", "round", "square", "slim", "deep", "tall"
    };
    private static final String[] COLOURS = {
        "black", "white", "grey", "green", "blue", "red", "amber", "ivory", "sage", "terracotta", "navy", "ochre"
    };
    private static final String[] MATERIALS = {
        "steel",
        "brass",
        "oak",
        "walnut",
        "ceramic",
        "porcelain",
        "glass",
        "linen",
        "cotton",
        "wool",
        "leather",
        "bamboo",
        "copper",
        "marble",
        "stoneware",
        "rattan"
    };
    private static final String[] NOUNS = {
        "teapot",
        "kettle",
        "lamp",
        "chair",
        "table",
        "vase",
        "mug",
        "bowl",
        "plate",
        "blanket",
        "cushion",
        "rug",
        "shelf",
        "mirror",
        "candle",
        "basket",
        "planter",
        "lantern",
        "stool",
        "bench",
        "clock",
        "tray",
        "jug",
        "pan",
        "knife",
        "board",
        "towel",
        "curtain",
        "sofa",
        "desk",
        "hammock",
        "umbrella",
        "thermos",
        "grater"
    };
    private static final String[] FILLER = {
        "for",
        "with",
        "and",
        "the",
        "kitchen",
        "garden",
        "living",
        "room",
        "daily",
        "use",
        "easy",
        "clean",
        "care",
        "gift",
        "design",
        "durable",
        "finish",
        "natural",
        "soft",
        "warm",
        "light",
        "heavy",
        "solid",
        "made",
        "by",
        "small",
        "workshops",
        "in",
        "europe",
        "lasts",
        "years",
        "dishwasher",
        "safe",
        "hand",
        "wash",
        "only",
        "recycled",
        "packaging",
        "matches",
        "our",
        "collection",
        "everyday",
        "dinner",
        "breakfast",
        "outdoor",
        "indoor",
        "winter",
        "summer",
        "evening",
        "reading",
        "corner",
        "balcony",
        "terrace",
        "office",
        "studio"
    };
    private static final String[] SYLLABLES = {
        "ka", "lo", "mi", "ren", "tor", "vel", "sa", "nu", "dor", "fin", "ga", "ri"
    };
    private static final String[] TOPS = {"home", "kitchen", "garden", "outdoor", "office", "bath"};
    private static final String[] SUBS = {"storage", "lighting", "textiles", "decor", "furniture", "tools", "care"};
    private static final String[] LEAVES = {"small", "large", "sets", "accessories"};

    public static void main(String[] args) throws Exception {
        int products = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int[] clients = args.length > 2
                ? Stream.of(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {8, 32};
        int[] rates = args.length > 3
                ? Stream.of(args[3].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {500, 1000};
        System.out.printf(
                Locale.ROOT,
                "machine: %d cores, Java %s, max heap %d MB, load average %.2f%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        Path folder = Files.createTempDirectory("mercato-search-bench");
        Generator data = new Generator(42, products);
        MemoryLog log = new MemoryLog();
        try (ListingsView view =
                ListingsView.onLucene(folder, log, SearchSettings.on(List.of(CATALOG, INVENTORY)), Clock.systemUTC())) {
            view.start();

            List<Event> load = new ArrayList<>(2 * products);
            for (int i = 0; i < products; i++) {
                load.add(data.product(i, 1));
                load.add(data.stock(i, 1));
            }
            long loaded = index("initial load (new SKUs: a product and a stock level each)", view, log, load);

            List<Event> updates = data.updates(products);
            index("updates of existing SKUs (half re-upserted products, half reservations)", view, log, updates);
            System.out.printf(
                    Locale.ROOT, "index queried: %s%n", view.probe().check().details());

            for (int n : clients) {
                query(view, data, n, 0, Duration.ofSeconds(5), false);
                query(view, data, n, 0, Duration.ofSeconds(seconds), true);
            }
            int most = java.util.Arrays.stream(clients).max().orElse(32);
            for (int rate : rates) {
                query(view, data, most, rate, Duration.ofSeconds(seconds), true);
            }
            long start = System.nanoTime();
            int generation = view.rebuild().number();
            while (active(view).generation() != generation || lagging(view)) {
                LockSupport.parkNanos(5_000_000);
            }
            double took = (System.nanoTime() - start) / 1e9;
            long all = loaded + updates.size();
            System.out.printf(
                    Locale.ROOT,
                    "rebuild from the start of the log: %d events in %.1f s = %.0f events/s, swapped in as generation %d%n",
                    all,
                    took,
                    all / took,
                    generation);
            System.out.printf(
                    Locale.ROOT,
                    "index after the runs: %d documents, %.0f MB on disk, %s%n",
                    view.search(new Search.Query(
                                    Optional.empty(),
                                    Optional.empty(),
                                    Optional.empty(),
                                    Optional.empty(),
                                    Optional.empty(),
                                    Search.Sort.RELEVANCE,
                                    1,
                                    0))
                            .total(),
                    size(folder) / 1e6,
                    view.probe().check().details());

        } finally {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** Feeds {@code events} to the view and times until all are applied and visible to readers. */
    private static long index(String what, ListingsView view, MemoryLog log, List<Event> events) {
        long target = log.size() + events.size();
        long start = System.nanoTime();
        log.append(events);
        while (applied(view) < target) {
            LockSupport.parkNanos(2_000_000);
        }
        double took = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "%s: %d events applied in %.2f s = %.0f index updates/s%n",
                what,
                events.size(),
                took,
                events.size() / took);
        return events.size();
    }

    /** Closed loop when {@code rate} is 0; otherwise {@code rate} queries/s in all, spread over the clients. */
    private static void query(ListingsView view, Generator data, int clients, int rate, Duration length, boolean report)
            throws InterruptedException {
        List<Histogram[]> histograms = new ArrayList<>();
        AtomicLong hits = new AtomicLong();
        CountDownLatch done = new CountDownLatch(clients);
        long begin = System.nanoTime();
        long deadline = begin + length.toNanos();
        long interval = rate == 0 ? 0 : clients * 1_000_000_000L / rate;
        for (int c = 0; c < clients; c++) {
            long first = begin + (rate == 0 ? 0 : interval * c / clients);
            Histogram[] h = new Histogram[Generator.KINDS.length];
            for (int k = 0; k < h.length; k++) {
                h[k] = new Histogram(Duration.ofSeconds(10).toNanos(), 3);
            }
            histograms.add(h);
            Random random = new Random(1000L + c);
            Thread t = new Thread(
                    () -> {
                        try {
                            long due = first;
                            while (System.nanoTime() < deadline) {
                                int kind = data.kind(random);
                                Search.Query q = data.query(random, kind);
                                long began;
                                if (interval > 0) {
                                    LockSupport.parkNanos(due - System.nanoTime());
                                    // From when it was due: a client that fell behind counts the wait.
                                    began = due;
                                    due += interval;
                                } else {
                                    began = System.nanoTime();
                                }
                                Search.Results r = view.search(q);
                                h[kind].recordValue(
                                        Math.min(System.nanoTime() - began, h[kind].getHighestTrackableValue()));
                                hits.addAndGet(r.total());
                            }
                        } finally {
                            done.countDown();
                        }
                    },
                    "search-client-" + c);
            t.setDaemon(true);
            t.start();
        }
        done.await();
        if (!report) {
            return;
        }
        Histogram all = new Histogram(Duration.ofSeconds(10).toNanos(), 3);
        histograms.forEach(hs -> Stream.of(hs).forEach(all::add));
        System.out.printf(
                Locale.ROOT,
                "%s, %d s: %.0f queries/s, latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms"
                        + " (%d queries, %.0f hits each on average)%n",
                rate == 0
                        ? clients + " clients closed loop"
                        : "paced at " + rate + " queries/s over " + clients + " clients",
                length.toSeconds(),
                all.getTotalCount() / (double) length.toSeconds(),
                all.getValueAtPercentile(50) / 1e6,
                all.getValueAtPercentile(99) / 1e6,
                all.getValueAtPercentile(99.9) / 1e6,
                all.getMaxValue() / 1e6,
                all.getTotalCount(),
                hits.get() / (double) Math.max(1, all.getTotalCount()));
        for (int k = 0; k < Generator.KINDS.length; k++) {
            Histogram kind = new Histogram(Duration.ofSeconds(10).toNanos(), 3);
            for (Histogram[] hs : histograms) {
                kind.add(hs[k]);
            }
            System.out.printf(
                    Locale.ROOT,
                    "    %-34s %5.1f%%  p50 %6.2f ms  p99 %6.2f ms%n",
                    Generator.KINDS[k],
                    100.0 * kind.getTotalCount() / Math.max(1, all.getTotalCount()),
                    kind.getValueAtPercentile(50) / 1e6,
                    kind.getValueAtPercentile(99) / 1e6);
        }
    }

    private static ViewFreshness active(ListingsView view) {
        return view.freshness().stream()
                .filter(ViewFreshness::active)
                .findFirst()
                .orElseThrow();
    }

    private static long applied(ListingsView view) {
        return active(view).partitions().stream()
                .mapToLong(PartitionFreshness::appliedOffset)
                .sum();
    }

    private static boolean lagging(ListingsView view) {
        return view.freshness().size() > 1 || active(view).lagEvents() > 0;
    }

    private static long size(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            return 0;
                        }
                    })
                    .sum();
        }
    }

    /** A deterministic catalog: products, their stock, their updates, and the queries shoppers send. */
    static final class Generator {

        private final int products;
        private final long seed;
        private final List<String> brands = new ArrayList<>();
        private final List<String> categories = new ArrayList<>();
        private final Map<Integer, Long> catalogSequence = new HashMap<>();
        private final Map<Integer, Long> stockSequence = new HashMap<>();

        Generator(long seed, int products) {
            this.seed = seed;
            this.products = products;
            Random r = new Random(seed);
            while (brands.size() < 600) {
                StringBuilder b = new StringBuilder();
                for (int s = 0, n = 2 + r.nextInt(2); s < n; s++) {
                    b.append(SYLLABLES[r.nextInt(SYLLABLES.length)]);
                }
                if (!brands.contains(b.toString())) {
                    brands.add(b.toString());
                }
            }
            for (String top : TOPS) {
                for (String sub : SUBS) {
                    for (String leaf : LEAVES) {
                        categories.add(top + "/" + sub + "/" + leaf);
                    }
                }
            }
        }

        /** Version {@code version} of product {@code i}: the same inputs give the same product. */
        Event product(int i, int version) {
            Random r = new Random(seed * 31 + i * 7919L + version);
            String title = pick(r, brands) + " " + pick(r, ADJECTIVES) + " " + pick(r, COLOURS) + " "
                    + pick(r, MATERIALS) + " " + NOUNS[i % NOUNS.length];
            StringBuilder description = new StringBuilder();
            for (int w = 0, n = 12 + r.nextInt(14); w < n; w++) {
                description.append(w == 0 ? "" : " ").append(pick(r, FILLER));
            }
            description.append(' ').append(pick(r, MATERIALS)).append(' ').append(pick(r, COLOURS));
            String amount = BigDecimal.valueOf(100 + r.nextInt(50_000), 2).toPlainString();
            String sku = sku(i);
            long sequence = catalogSequence.merge(i, 1L, Long::sum);
            ProductUpserted p = new ProductUpserted(
                    sku,
                    merchant(i),
                    title,
                    description.toString(),
                    categories.get(i % categories.size()),
                    new MoneyJson(amount, "EUR"),
                    Map.of(),
                    "active",
                    sequence,
                    T0.plusSeconds(i));
            return event(ProductUpserted.TYPE, i, sequence, T0.plusSeconds(i + version * 1000L), p);
        }

        Event stock(int i, int version) {
            Random r = new Random(seed * 17 + i * 104_729L + version);
            int available = r.nextInt(5) == 0 ? 0 : 1 + r.nextInt(50);
            long sequence = stockSequence.merge(i, 1L, Long::sum);
            return event(
                    StockAdjusted.TYPE,
                    i,
                    sequence,
                    T0.plusSeconds(i),
                    new StockAdjusted(sku(i), merchant(i), available, 0, available, sequence, "set"));
        }

        /** One update per product: every other one re-upserted (a new price), the rest a reservation. */
        List<Event> updates(int count) {
            Random r = new Random(seed + 99);
            List<Event> events = new ArrayList<>(count);
            for (int n = 0; n < count; n++) {
                int i = r.nextInt(products);
                if (n % 2 == 0) {
                    events.add(product(i, 2));
                } else {
                    long sequence = stockSequence.merge(i, 1L, Long::sum);
                    events.add(event(
                            StockReserved.TYPE,
                            i,
                            sequence,
                            T0.plusSeconds(i),
                            new StockReserved(
                                    sku(i), merchant(i), "r-" + n, 1, T0.plusSeconds(900), 10, 1, 9, sequence)));
                }
            }
            return events;
        }

        static final String[] KINDS = {
            "one word",
            "two words",
            "prefix (as typed)",
            "typo",
            "category browse, sorted",
            "word + price range",
            "two words + in stock, by price",
            "word, page 6"
        };
        private static final int[] SHARES = {20, 15, 15, 10, 15, 10, 10, 5};

        /** Which kind of query a shopper sends next, by the shares of the mix. */
        int kind(Random r) {
            int roll = r.nextInt(100);
            for (int k = 0; k < SHARES.length; k++) {
                roll -= SHARES[k];
                if (roll < 0) {
                    return k;
                }
            }
            return SHARES.length - 1;
        }

        /** One shopper's query of that kind. */
        Search.Query query(Random r, int kind) {
            Optional<String> text = Optional.empty();
            Optional<String> category = Optional.empty();
            Optional<BigDecimal> min = Optional.empty();
            Optional<BigDecimal> max = Optional.empty();
            Optional<Boolean> inStock = Optional.empty();
            Search.Sort sort = Search.Sort.RELEVANCE;
            int offset = 0;
            if (kind == 0) {
                text = Optional.of(pick(r, r.nextBoolean() ? NOUNS : r.nextBoolean() ? MATERIALS : COLOURS));
            } else if (kind == 1) {
                text = Optional.of(pick(r, r.nextBoolean() ? ADJECTIVES : MATERIALS) + " " + pick(r, NOUNS));
            } else if (kind == 2) {
                String word = pick(r, NOUNS);
                String prefix = word.substring(0, Math.min(word.length(), 2 + r.nextInt(3)));
                text = Optional.of(r.nextBoolean() ? prefix : pick(r, MATERIALS) + " " + prefix);
            } else if (kind == 3) {
                String word = r.nextBoolean() ? pick(r, brands) : pick(r, NOUNS);
                text = Optional.of(typo(r, word));
            } else if (kind == 4) {
                String path = categories.get(r.nextInt(categories.size()));
                int depth = 1 + r.nextInt(3);
                String[] parts = path.split("/");
                category = Optional.of(String.join("/", List.of(parts).subList(0, depth)));
                sort = r.nextBoolean() ? Search.Sort.PRICE_ASC : Search.Sort.NEWEST;
            } else if (kind == 5) {
                text = Optional.of(pick(r, NOUNS));
                int low = r.nextInt(300);
                min = Optional.of(BigDecimal.valueOf(low));
                max = Optional.of(BigDecimal.valueOf(low + 20 + r.nextInt(150)));
            } else if (kind == 6) {
                text = Optional.of(pick(r, MATERIALS) + " " + pick(r, NOUNS));
                inStock = Optional.of(true);
                sort = Search.Sort.PRICE_DESC;
            } else {
                text = Optional.of(pick(r, COLOURS));
                offset = 100;
            }
            return new Search.Query(text, category, min, max, inStock, sort, 20, offset);
        }

        private static String typo(Random r, String word) {
            char[] c = word.toCharArray();
            int at = 1 + r.nextInt(c.length - 1);
            switch (r.nextInt(3)) {
                case 0 -> c[at] = (char) ('a' + r.nextInt(26));
                case 1 -> {
                    char t = c[at];
                    c[at] = c[at - 1];
                    c[at - 1] = t;
                }
                default -> {
                    return word.substring(0, at) + word.substring(at + 1);
                }
            }
            return new String(c);
        }

        private static String sku(int i) {
            return "SKU-%07d".formatted(i);
        }

        private static String merchant(int i) {
            return "merchant-" + (i % 20);
        }

        private static Event event(EventType type, int i, long sequence, Instant at, Object payload) {
            return new Event(
                    new UUID(i, sequence * 31 + type.name().hashCode()),
                    type,
                    at,
                    MerchantId.of(merchant(i)),
                    sku(i),
                    sequence,
                    "",
                    EventJson.write(payload));
        }

        private static String pick(Random r, String[] words) {
            return words[r.nextInt(words.length)];
        }

        private static String pick(Random r, List<String> words) {
            return words.get(r.nextInt(words.size()));
        }
    }

    /**
     * A log in memory with the delivery contract of the real one: partitions keyed like the relay's, records
     * handed over in order, rounds of up to 500 across partitions, positions taken from the sink.
     */
    static final class MemoryLog implements LogSource {

        private final Map<LogPartition, List<LogRecord>> partitions = new HashMap<>();

        MemoryLog() {
            for (String topic : List.of(CATALOG, INVENTORY)) {
                for (int p = 0; p < PARTITIONS; p++) {
                    partitions.put(new LogPartition(topic, p), new ArrayList<>());
                }
            }
        }

        synchronized void append(List<Event> events) {
            for (Event e : events) {
                String topic = e.type().source().equals("catalog") ? CATALOG : INVENTORY;
                LogPartition p = new LogPartition(topic, Math.floorMod(e.key().hashCode(), PARTITIONS));
                List<LogRecord> records = partitions.get(p);
                records.add(LogRecord.decoded(p, records.size(), e.time(), e.key(), e));
            }
        }

        synchronized long size() {
            return partitions.values().stream().mapToLong(List::size).sum();
        }

        private synchronized List<LogRecord> read(LogPartition p, long from, int max) {
            List<LogRecord> records = partitions.get(p);
            int start = (int) Math.min(from, records.size());
            return new ArrayList<>(records.subList(start, Math.min(records.size(), start + max)));
        }

        @Override
        public synchronized Map<LogPartition, Long> endOffsets(Collection<String> topics) {
            Map<LogPartition, Long> ends = new HashMap<>();
            partitions.forEach((p, records) -> {
                if (topics.contains(p.topic())) {
                    ends.put(p, (long) records.size());
                }
            });
            return ends;
        }

        @Override
        public LogSubscription subscribe(String group, List<String> topics, LogSink sink) {
            List<LogPartition> mine = partitions.keySet().stream()
                    .filter(p -> topics.contains(p.topic()))
                    .sorted(Comparator.comparing(LogPartition::toString))
                    .toList();
            AtomicBoolean closed = new AtomicBoolean();
            Thread thread = new Thread(() -> consume(mine, sink, closed), "memory-log-" + group);
            thread.setDaemon(true);
            thread.start();
            // Never interrupt: an interrupt inside Lucene's file writes closes the index writer.
            return () -> {
                closed.set(true);
                try {
                    thread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
        }

        private void consume(List<LogPartition> mine, LogSink sink, AtomicBoolean closed) {
            Map<LogPartition, Long> positions = new HashMap<>(sink.assigned(mine));
            mine.forEach(p -> positions.putIfAbsent(p, 0L));
            long nextReport = 0;
            try {
                while (!closed.get()) {
                    boolean handed = false;
                    if (sink.accepting()) {
                        List<LogRecord> round = new ArrayList<>();
                        int share = 500 / mine.size();
                        for (LogPartition p : mine) {
                            round.addAll(read(p, positions.get(p), share));
                        }
                        if (!round.isEmpty()) {
                            sink.accept(round);
                            round.forEach(r -> positions.merge(r.partition(), r.offset() + 1, Math::max));
                            handed = true;
                        }
                    }
                    if (System.nanoTime() >= nextReport || !handed) {
                        Map<LogPartition, Long> ends = endOffsets(List.of(CATALOG, INVENTORY));
                        for (LogPartition p : mine) {
                            sink.observed(p, ends.get(p), null);
                        }
                        nextReport = System.nanoTime() + 250_000_000L;
                    }
                    if (!handed) {
                        LockSupport.parkNanos(1_000_000);
                    }
                }
            } catch (RuntimeException e) {
                // The sink throws only when it stops.
                if (!closed.get() && sink.accepting()) {
                    throw e;
                }
            }
        }
    }

    private SearchBench() {}
}
