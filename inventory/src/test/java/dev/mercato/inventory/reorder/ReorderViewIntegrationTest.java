package dev.mercato.inventory.reorder;

import static dev.mercato.inventory.reorder.Shelf.aSku;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.consume.PartitionFreshness;
import dev.mercato.plane.consume.ViewFreshness;
import dev.mercato.plane.consume.ViewReads;
import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.plane.consume.ViewSettings;
import dev.mercato.plane.consume.ViewState;
import dev.mercato.plane.events.ConsistencyToken;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.kafka.TestEventLog;
import dev.mercato.plane.kafka.ViewConsumerLoop;
import dev.mercato.plane.postgres.PostgresStores;
import dev.mercato.plane.testing.SharedKafka;
import dev.mercato.plane.testing.SharedPostgres;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reorder suggestions on a real PostgreSQL and broker: what opens, updates and closes one, and the four
 * proofs (replay equals incremental, lag and stale reads while paused, catching up after the consumer was
 * down with nothing missing or duplicated).
 */
class ReorderViewIntegrationTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final ViewSettings FAST_RETRIES = new ViewSettings(3, Duration.ofMillis(10), Duration.ofMillis(80));
    static final Optional<ReorderSuggestions.Status> OPEN = Optional.of(ReorderSuggestions.Status.OPEN);

    PostgresStores stores;
    TestEventLog log;
    String topic;
    String name;
    ViewRuntime runtime;
    ReorderSuggestions suggestions;
    long sent;

    @BeforeEach
    void freshStoresAndLog() throws Exception {
        stores = SharedPostgres.freshStores();
        log = new TestEventLog(SharedKafka.bootstrapServers());
        topic = log.newTopic(3);
        name = "reorder_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    @AfterEach
    void closeEverything() {
        if (runtime != null) {
            runtime.close();
        }
        log.close();
        stores.close();
    }

    void start() {
        runtime = new ViewRuntime(
                stores, ViewConsumerLoop.on(SharedKafka.bootstrapServers()), FAST_RETRIES, Clock.systemUTC());
        runtime.start(new ReorderView(name, List.of(topic)));
        suggestions = new ReorderSuggestions(runtime, name);
    }

    void send(List<Event> events) throws Exception {
        log.send(topic, events);
        sent += events.size();
    }

    ViewFreshness active() {
        return runtime.freshness(name).stream()
                .filter(ViewFreshness::active)
                .findFirst()
                .orElseThrow();
    }

    void awaitCaughtUp() {
        await().atMost(WAIT)
                .until(() -> active().state() == ViewState.RUNNING
                        && active().partitions().size() == 3
                        && active().lagEvents() == 0
                        && active().partitions().stream()
                                        .mapToLong(PartitionFreshness::appliedOffset)
                                        .sum()
                                == sent);
    }

    List<ReorderSuggestions.Suggestion> all(String merchant, Optional<ReorderSuggestions.Status> status) {
        List<ReorderSuggestions.Suggestion> all = new ArrayList<>();
        Optional<String> after = Optional.empty();
        while (true) {
            var page = suggestions.of(MerchantId.of(merchant), status, after, 4);
            all.addAll(page);
            if (page.size() < 4) {
                return all;
            }
            after = Optional.of(page.getLast().sku());
        }
    }

    @Test
    void stock_low_opens_a_suggestion_later_levels_update_it_and_it_closes_back_at_the_threshold() throws Exception {
        start();
        Shelf lamp = aSku("casa-bella", "LAMP-1", 5);
        Shelf vase = aSku("casa-bella", "VASE-1", 5);
        Shelf rival = aSku("nordlicht", "LAMP-9", 5);
        send(lamp.set(20));
        send(vase.set(20));
        send(lamp.set(3));
        send(rival.set(1));
        awaitCaughtUp();

        assertThat(all("casa-bella", OPEN)).singleElement().satisfies(s -> {
            assertThat(s.sku()).isEqualTo("LAMP-1");
            assertThat(s.status()).isEqualTo("open");
            assertThat(s.available()).isEqualTo(3);
            assertThat(s.threshold()).isEqualTo(5);
            // Back to twice the threshold: 2 x 5 - 3.
            assertThat(s.suggestedQuantity()).isEqualTo(7);
            assertThat(s.closedAt()).isNull();
        });
        assertThat(all("nordlicht", OPEN))
                .extracting(ReorderSuggestions.Suggestion::sku)
                .containsExactly("LAMP-9");

        // A checkout takes one more: the suggestion follows.
        send(lamp.reserve(2));
        awaitCaughtUp();
        assertThat(all("casa-bella", OPEN)).singleElement().satisfies(s -> {
            assertThat(s.available()).isEqualTo(1);
            assertThat(s.suggestedQuantity()).isEqualTo(9);
        });

        // Restocked at the threshold: closed, and no longer listed as open.
        send(lamp.set(7));
        awaitCaughtUp();
        assertThat(all("casa-bella", OPEN)).isEmpty();
        assertThat(all("casa-bella", Optional.of(ReorderSuggestions.Status.CLOSED)))
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.sku()).isEqualTo("LAMP-1");
                    assertThat(s.available()).isEqualTo(5);
                    assertThat(s.closedAt()).isNotNull();
                });

        // Low again: the same suggestion opens again.
        send(lamp.reserve(4));
        awaitCaughtUp();
        assertThat(all("casa-bella", OPEN)).singleElement().satisfies(s -> {
            assertThat(s.available()).isEqualTo(1);
            assertThat(s.closedAt()).isNull();
        });
        assertThat(all("casa-bella", Optional.empty())).hasSize(1);
    }

    /** A seeded random walk of the shelves' stock: counts and checkouts, in random order across SKUs. */
    static List<Event> walk(Random random, List<Shelf> shelves, int steps) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            Shelf s = shelves.get(random.nextInt(shelves.size()));
            if (random.nextBoolean() && s.available() > 0) {
                events.addAll(s.reserve(1 + random.nextInt(s.available())));
            } else {
                events.addAll(s.set(s.reserved() + random.nextInt(16)));
            }
        }
        return events;
    }

    static List<Shelf> shelves(int skus) {
        List<Shelf> shelves = new ArrayList<>();
        for (int i = 0; i < skus; i++) {
            shelves.add(aSku(i % 2 == 0 ? "casa-bella" : "nordlicht", "SKU-%02d".formatted(i), 3 + i % 5));
        }
        return shelves;
    }

    /** Every open suggestion is a SKU that went low and is still under its threshold, with its levels now. */
    void assertOpenSuggestionsMatch(List<Shelf> shelves) {
        for (String merchant : List.of("casa-bella", "nordlicht")) {
            List<String> expected = shelves.stream()
                    .filter(s -> s.merchant.equals(merchant) && s.shouldBeOpen())
                    .map(s -> s.sku + " available " + s.available() + " reorder "
                            + ReorderView.suggestedQuantity(s.available(), s.threshold))
                    .sorted()
                    .toList();
            assertThat(all(merchant, OPEN).stream()
                            .map(s -> s.sku() + " available " + s.available() + " reorder " + s.suggestedQuantity())
                            .toList())
                    .as(merchant)
                    .isEqualTo(expected);
        }
    }

    Map<String, List<ReorderSuggestions.Suggestion>> snapshot() {
        Map<String, List<ReorderSuggestions.Suggestion>> all = new LinkedHashMap<>();
        for (String m : List.of("casa-bella", "nordlicht")) {
            all.put(m, all(m, Optional.empty()));
        }
        return all;
    }

    @Test
    void a_round_applied_as_a_set_leaves_the_suggestions_as_its_events_one_by_one_do() {
        List<Event> events = walk(new Random(5L), shelves(8), 400);

        long rows = dev.mercato.plane.testing.RoundEquivalence.check(
                stores, new ReorderView(name, List.of(topic)), events, 5L);

        // Each of the eight SKUs went low at some point in 400 steps, so each has a suggestion, open or closed.
        assertThat(rows).isEqualTo(8);
    }

    @Test
    void a_rebuild_from_the_log_lists_exactly_what_the_incrementally_built_view_lists() throws Exception {
        Random random = new Random(42L);
        List<Shelf> shelves = shelves(12);
        start();
        send(walk(random, shelves, 200));
        awaitCaughtUp();
        assertOpenSuggestionsMatch(shelves);

        runtime.rebuild(name);
        send(walk(random, shelves, 60));
        await().atMost(WAIT)
                .until(() ->
                        active().generation() == 2 && runtime.freshness(name).size() == 1);
        awaitCaughtUp();
        assertOpenSuggestionsMatch(shelves);
        Map<String, List<ReorderSuggestions.Suggestion>> rebuilt = snapshot();

        // A view that never rebuilt, on the same log, lists the same, closed suggestions included.
        runtime.close();
        name = name + "_inc";
        start();
        awaitCaughtUp();
        assertThat(snapshot()).isEqualTo(rebuilt);
    }

    @Test
    void a_paused_reorder_view_lags_says_its_reads_are_stale_then_catches_up() throws Exception {
        start();
        Shelf lamp = aSku("casa-bella", "LAMP-1", 5);
        send(lamp.set(20));
        awaitCaughtUp();
        ViewReads reads = new ViewReads(runtime, Clock.systemUTC());

        runtime.pause(name);
        List<Event> low = lamp.set(2);
        send(low);
        Event last = low.getLast();
        String token = new ConsistencyToken("inventory", last.key(), last.sequence()).encode();
        AtomicLong lag = new AtomicLong();
        await().atMost(WAIT).until(() -> {
            ViewFreshness f = active();
            lag.set(f.lagMillis());
            return f.state() == ViewState.PAUSED && f.lagEvents() == 2 && f.lagMillis() > 0;
        });
        await().atMost(WAIT).until(() -> active().lagMillis() > lag.get());
        assertThat(reads.before(name, token).stale()).isTrue();
        assertThat(all("casa-bella", OPEN)).isEmpty();

        runtime.resume(name);

        assertThat(reads.before(name, token).stale()).isFalse();
        assertThat(all("casa-bella", OPEN))
                .extracting(ReorderSuggestions.Suggestion::sku)
                .containsExactly("LAMP-1");
        awaitCaughtUp();
        assertThat(active().lagMillis()).isZero();
    }

    @Test
    void with_its_consumer_down_stock_keeps_changing_and_the_restarted_view_misses_and_doubles_nothing()
            throws Exception {
        Random random = new Random(9L);
        List<Shelf> shelves = shelves(10);
        start();
        List<Event> before = walk(random, shelves, 80);
        send(before);
        awaitCaughtUp();

        runtime.close();
        List<Event> during = walk(random, shelves, 80);
        send(during);
        // Redelivered by the relay meanwhile: applied once.
        send(during.subList(0, 15));
        send(before.subList(0, 15));

        start();
        awaitCaughtUp();
        assertOpenSuggestionsMatch(shelves);
        for (String m : List.of("casa-bella", "nordlicht")) {
            assertThat(all(m, Optional.empty()))
                    .extracting(ReorderSuggestions.Suggestion::sku)
                    .doesNotHaveDuplicates();
        }
    }
}
