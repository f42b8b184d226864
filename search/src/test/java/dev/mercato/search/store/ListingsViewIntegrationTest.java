package dev.mercato.search.store;

import static dev.mercato.search.store.Products.aProduct;
import static dev.mercato.search.store.Queries.everything;
import static dev.mercato.search.store.Queries.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.catalog.events.ProductUpserted;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.consume.PartitionFreshness;
import dev.mercato.plane.consume.ViewFreshness;
import dev.mercato.plane.consume.ViewReads;
import dev.mercato.plane.consume.ViewRegistry;
import dev.mercato.plane.consume.ViewState;
import dev.mercato.plane.events.ConsistencyToken;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.kafka.TestEventLog;
import dev.mercato.plane.kafka.ViewConsumerLoop;
import dev.mercato.plane.testing.SharedKafka;
import dev.mercato.search.Search;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search view on real Lucene and a real broker: consumption, checkpoints, freshness, rebuild. */
class ListingsViewIntegrationTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final int SKUS = 60;

    @TempDir
    Path dir;

    TestEventLog log;
    String catalog;
    String inventory;
    String name;
    ListingsView view;

    @BeforeEach
    void topics() throws Exception {
        log = new TestEventLog(SharedKafka.bootstrapServers());
        catalog = log.newTopic(3);
        inventory = log.newTopic(3);
        // Its own consumer groups, as each test has its own topics.
        name = "search_" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeEverything() {
        if (view != null) {
            view.close();
        }
        log.close();
    }

    ListingsView start(SearchIndex index, SearchSettings settings) {
        view = new ListingsView(
                name, index, ViewConsumerLoop.on(SharedKafka.bootstrapServers()), settings, Clock.systemUTC());
        view.start();
        return view;
    }

    ListingsView start() {
        return start(new LuceneSearchIndex(dir), SearchSettings.on(List.of(catalog, inventory)));
    }

    static String sku(int i) {
        return "LAMP-%03d".formatted(i);
    }

    /** Versions {@code from..to} of every SKU's product: title, price and category change with the version. */
    static List<Event> products(int from, int to) {
        List<Event> events = new ArrayList<>();
        for (int v = from; v <= to; v++) {
            for (int i = 0; i < SKUS; i++) {
                events.add(product(i, v).upserted(v));
            }
        }
        return events;
    }

    static Products product(int i, int version) {
        return aProduct(sku(i))
                .title("Lamp " + i + " v" + version + (i % 5 == 0 ? " brass" : " steel"))
                .description(i % 3 == 0 ? "Warm light for a reading corner" : "Bright light")
                .category(i % 2 == 0 ? "home/lighting" : "outdoor/lighting")
                .price((10 + i) + "." + version + "0")
                .at(Products.T0.plusSeconds(i * 7L % 13));
    }

    /** Stock levels {@code from..to} of every SKU; available depends on both, and is sometimes 0. */
    static List<Event> stock(int from, int to) {
        List<Event> events = new ArrayList<>();
        for (int s = from; s <= to; s++) {
            for (int i = 0; i < SKUS; i++) {
                events.add(aProduct(sku(i)).stock(s, available(i, s)));
            }
        }
        return events;
    }

    static int available(int i, int s) {
        return (i + s) % 4;
    }

    /** What the view shows of every SKU, in SKU order. */
    static List<String> state(Search search) {
        return search.search(everything().page(0, 100).build()).items().stream()
                .map(h -> h.sku() + "|" + h.title() + "|" + h.price() + "|" + h.available())
                .toList();
    }

    static List<String> expected(int version, int stock) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < SKUS; i++) {
            Products p = product(i, version);
            rows.add(sku(i) + "|" + "Lamp " + i + " v" + version + (i % 5 == 0 ? " brass" : " steel") + "|" + (10 + i)
                    + "." + version + "0" + "|" + available(i, stock));
        }
        return rows;
    }

    static ViewFreshness active(ListingsView v) {
        return v.freshness().stream().filter(ViewFreshness::active).findFirst().orElseThrow();
    }

    static long applied(ListingsView v) {
        return active(v).partitions().stream()
                .mapToLong(PartitionFreshness::appliedOffset)
                .sum();
    }

    void awaitCaughtUp(ListingsView v, long records) {
        await().atMost(WAIT)
                .until(() -> active(v).partitions().size() == 6
                        && applied(v) == records
                        && active(v).lagEvents() == 0
                        && active(v).state() == ViewState.RUNNING);
    }

    static final List<Queries> QUERIES = List.of(
            everything(),
            text("lamp"),
            text("lamp brass"),
            text("lmap steel"),
            text("reading corn"),
            text("light").category("home"),
            everything().price("20", "40.20").sort(Search.Sort.PRICE_DESC),
            everything().sort(Search.Sort.NEWEST),
            everything().inStock(true).sort(Search.Sort.PRICE_ASC),
            everything().category("outdoor/lighting").page(5, 7));

    static List<Search.Results> answers(Search search) {
        return QUERIES.stream().map(q -> search.search(q.build())).toList();
    }

    @Test
    void a_rebuild_while_serving_ends_answering_every_query_exactly_as_the_incrementally_built_index()
            throws Exception {
        InterferingIndex index = new InterferingIndex(new LuceneSearchIndex(dir));
        start(index, SearchSettings.on(List.of(catalog, inventory)));
        log.send(catalog, products(1, 2));
        log.send(inventory, stock(1, 2));
        awaitCaughtUp(view, 4L * SKUS);
        List<Search.Results> before = answers(view);

        // Held at its first write, the new generation is observably under way.
        index.hold(2);
        assertThat(view.rebuild().number()).isEqualTo(2);
        await().atMost(WAIT)
                .until(() -> view.freshness().stream()
                        .anyMatch(f -> f.generation() == 2
                                && !f.active()
                                && f.state() == ViewState.REBUILDING
                                && f.lagEvents() > 0));
        assertThat(answers(view)).isEqualTo(before);
        // The serving generation keeps applying what arrives meanwhile, in place.
        List<Event> later = new ArrayList<>(products(3, 3));
        later.add(product(7, 4).retired().upserted(4));
        log.send(catalog, later);
        log.send(inventory, stock(3, 3));
        awaitCaughtUp(view, 6L * SKUS + 1);
        List<Search.Results> incremental = answers(view);
        assertThat(state(view)).hasSize(SKUS - 1).doesNotContain(expected(3, 3).get(7));

        index.release(2);

        await().atMost(WAIT).until(() -> active(view).generation() == 2);
        awaitCaughtUp(view, 6L * SKUS + 1);
        assertThat(answers(view)).isEqualTo(incremental);
        assertThat(view.freshness())
                .singleElement()
                .extracting(ViewFreshness::generation)
                .isEqualTo(2);
        await().atMost(WAIT).until(() -> index.stored().equals(List.of(2)));
        assertThat(index.generations()).isEqualTo(new SearchIndex.Generations(2, java.util.OptionalInt.empty()));
    }

    @Test
    void events_delivered_again_even_at_later_offsets_change_nothing() throws Exception {
        start();
        List<Event> products = products(1, 3);
        List<Event> levels = stock(1, 2);
        log.send(catalog, products);
        log.send(inventory, levels);
        awaitCaughtUp(view, 5L * SKUS);
        List<String> once = state(view);
        assertThat(once).isEqualTo(expected(3, 2));

        // A relay that died before marking them published sends them again, after everything else.
        log.send(catalog, products.subList(0, 2 * SKUS));
        log.send(inventory, levels.subList(0, SKUS));
        awaitCaughtUp(view, 8L * SKUS);

        assertThat(state(view)).isEqualTo(once);
        assertThat(answers(view).getFirst().total()).isEqualTo(SKUS);
        assertThat(view.probe().check().details()).containsEntry("documents", (long) SKUS);
    }

    @Test
    void two_platform_instances_each_keep_a_whole_index_not_half_of_one() throws Exception {
        start();
        // A second instance of the platform: the same view, its own folder, the same log.
        ListingsView other = new ListingsView(
                name,
                new LuceneSearchIndex(dir.resolve("other-instance")),
                ViewConsumerLoop.on(SharedKafka.bootstrapServers()),
                SearchSettings.on(List.of(catalog, inventory)),
                Clock.systemUTC());
        try (other) {
            other.start();
            log.send(catalog, products(1, 1));
            log.send(inventory, stock(1, 1));

            awaitCaughtUp(view, 2L * SKUS);
            awaitCaughtUp(other, 2L * SKUS);
            assertThat(state(view)).isEqualTo(expected(1, 1));
            assertThat(state(other)).isEqualTo(expected(1, 1));
        }
    }

    @Test
    void stock_that_arrives_before_its_product_is_not_lost() throws Exception {
        start();
        log.send(inventory, stock(1, 1));
        awaitCaughtUp(view, SKUS);
        assertThat(state(view)).isEmpty();

        log.send(catalog, products(1, 1));

        awaitCaughtUp(view, 2L * SKUS);
        assertThat(state(view)).isEqualTo(expected(1, 1));
    }

    @Test
    void after_a_crash_it_reads_again_from_the_last_durable_commit_and_ends_with_nothing_missing_or_doubled()
            throws Exception {
        // Commit after every batch: all of the first part is durable.
        start(
                new LuceneSearchIndex(dir),
                new SearchSettings(List.of(catalog, inventory), 1, Duration.ofHours(1), Duration.ofMillis(100), 0));
        log.send(catalog, products(1, 1));
        log.send(inventory, stock(1, 1));
        awaitCaughtUp(view, 2L * SKUS);
        view.close();

        // Never commit: the second part is applied and visible, then lost in the crash.
        start(
                new LuceneSearchIndex(dir),
                new SearchSettings(
                        List.of(catalog, inventory), 1_000_000, Duration.ofHours(1), Duration.ofMillis(100), 0));
        log.send(catalog, products(2, 3));
        log.send(inventory, stock(2, 2));
        awaitCaughtUp(view, 5L * SKUS);
        assertThat(state(view)).isEqualTo(expected(3, 2));
        view.halt();
        view = null;

        LuceneSearchIndex onDisk = new LuceneSearchIndex(dir);
        try (SearchIndex.Generation g = onDisk.open(1)) {
            assertThat(g.checkpoints().values().stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .isEqualTo(2L * SKUS);
            assertThat(state(g::search)).isEqualTo(expected(1, 1));
        }

        start();
        log.send(catalog, products(4, 4));
        awaitCaughtUp(view, 6L * SKUS);
        assertThat(state(view)).isEqualTo(expected(4, 2));
        assertThat(view.probe().check().details()).containsEntry("documents", (long) SKUS);
    }

    @Test
    void while_paused_lag_grows_and_reads_say_they_are_stale_and_after_resume_it_returns_to_zero() throws Exception {
        start();
        ViewRegistry registry = new ViewRegistry();
        registry.register(view);
        ViewReads reads = new ViewReads(registry, Clock.systemUTC());
        log.send(catalog, products(1, 1));
        awaitCaughtUp(view, SKUS);
        assertThat(reads.before(name, null).lagMillis()).isZero();

        view.pause();
        Event write = aProduct("NEW-1").title("Wombat lamp").upserted(1);
        log.send(catalog, List.of(write));
        String token = new ConsistencyToken("catalog", write.key(), 1).encode();

        AtomicLong lag = new AtomicLong();
        await().atMost(WAIT).until(() -> {
            ViewFreshness f = active(view);
            lag.set(f.lagMillis());
            return f.state() == ViewState.PAUSED && f.lagEvents() == 1 && f.lagMillis() > 0;
        });
        await().atMost(WAIT).until(() -> active(view).lagMillis() > lag.get());
        ViewReads.Freshness stale = reads.before(name, token);
        assertThat(stale.stale()).isTrue();
        assertThat(stale.lagMillis()).isPositive();
        assertThat(state(view)).hasSize(SKUS);

        view.resume();

        assertThat(reads.before(name, token).stale()).isFalse();
        assertThat(view.search(text("wombat").build()).items())
                .extracting(Search.Hit::sku)
                .containsExactly("NEW-1");
        await().atMost(WAIT)
                .until(() -> active(view).state() == ViewState.RUNNING
                        && active(view).lagEvents() == 0
                        && active(view).lagMillis() == 0);
    }

    @Test
    void with_the_consumer_stopped_events_keep_arriving_and_it_catches_up_on_restart_with_nothing_missing()
            throws Exception {
        start();
        log.send(catalog, products(1, 1));
        log.send(inventory, stock(1, 1));
        awaitCaughtUp(view, 2L * SKUS);
        view.close();
        assertThat(view.freshness())
                .singleElement()
                .satisfies(f -> assertThat(f.state()).isEqualTo(ViewState.STOPPED));

        // The writers do not know or care: the log takes their events.
        log.send(catalog, products(2, 2));
        log.send(inventory, stock(2, 3));

        start();
        awaitCaughtUp(view, 5L * SKUS);
        assertThat(state(view)).isEqualTo(expected(2, 3));
    }

    @Test
    void a_failing_index_is_rolled_back_to_its_last_commit_and_what_followed_is_applied_again() throws Exception {
        InterferingIndex index = new InterferingIndex(new LuceneSearchIndex(dir));
        // A commit every 20 records of a partition: the 240 records sent below (about 40 per partition) commit
        // more than once, with records applied but not committed between.
        start(
                index,
                new SearchSettings(List.of(catalog, inventory), 20, Duration.ofHours(1), Duration.ofMillis(100), 0));
        log.send(catalog, products(1, 1));
        awaitCaughtUp(view, SKUS);

        // Half of a batch written, then the disk fills; and later a commit fails too.
        index.failingApplies.set(1);
        index.failingCommits.set(1);
        log.send(catalog, products(2, 3));
        log.send(inventory, stock(1, 2));

        awaitCaughtUp(view, 5L * SKUS);
        assertThat(index.failed).hasValue(2);
        assertThat(state(view)).isEqualTo(expected(3, 2));
        assertThat(view.skippedEvents()).isZero();
    }

    @Test
    void a_record_it_can_never_apply_is_logged_counted_and_skipped_and_its_stream_goes_on() throws Exception {
        start();
        Products lamp = aProduct("LAMP-X").title("Odd lamp");
        Event unreadable = new Event(
                UUID.randomUUID(),
                ProductUpserted.TYPE,
                Products.T0,
                MerchantId.of(Products.MERCHANT),
                "LAMP-X",
                2,
                "",
                "{\"sku\":\"LAMP-X\"}");
        log.send(catalog, List.of(lamp.upserted(1), unreadable));
        log.sendUndecodable(catalog, "casa-bella/LAMP-X", "not an event");
        log.send(catalog, List.of(lamp.title("Odd lamp again").upserted(3)));

        awaitCaughtUp(view, 4);
        assertThat(view.skippedEvents()).isEqualTo(2);
        assertThat(state(view)).singleElement().asString().contains("Odd lamp again");
        // A reader waiting for the skipped event is not kept waiting.
        assertThat(view.awaitApplied(unreadable.streamKey(), 2, Duration.ZERO)).isTrue();
    }
}
