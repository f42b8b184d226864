package dev.mercato.accounting.journal;

import static dev.mercato.accounting.journal.Sales.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.plane.consume.ViewFreshness;
import dev.mercato.plane.consume.ViewReads;
import dev.mercato.plane.consume.ViewState;
import dev.mercato.plane.events.ConsistencyToken;
import dev.mercato.plane.events.Event;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The four proofs for the journal, on a seeded random mix of sales: the trial balance always balances and
 * matches what was captured minus what was refunded; a rebuild from the log equals the incrementally built
 * books; paused, the view lags and says its reads are stale, then catches up; with its consumer down the
 * log keeps taking events, and the restarted view books each of them exactly once.
 */
class JournalProofsIntegrationTest extends BooksTestSupport {

    static final List<String> MERCHANTS = List.of("casa-bella", "nordlicht", "tienda-sol");
    static final List<String> CURRENCIES = List.of("EUR", "USD", "JPY");

    /** What a mix should leave in the books: per merchant and currency, cash in minus cash paid back. */
    final Map<String, BigDecimal> expectedCash = new LinkedHashMap<>();

    final Map<String, Integer> expectedEntries = new LinkedHashMap<>();

    /** {@code orders} random sales: most captured, some of those refunded, some voided; events shuffled per key. */
    List<Event> mix(Random random, String prefix, int orders) {
        List<List<Event>> streams = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            String merchant = MERCHANTS.get(random.nextInt(MERCHANTS.size()));
            String currency = CURRENCIES.get(random.nextInt(CURRENCIES.size()));
            int digits = currency.equals("JPY") ? 0 : 2;
            BigDecimal amount = BigDecimal.valueOf(1 + random.nextInt(500_000), digits);
            Sales sale = anOrder(merchant, prefix + i, amount.toPlainString())
                    .in(currency)
                    .at(Sales.T0.plusSeconds(random.nextInt(86_400)));
            List<Event> stream = new ArrayList<>(List.of(sale.placed(), sale.authorized()));
            int roll = random.nextInt(10);
            String key = merchant + "/" + currency;
            if (roll < 8) {
                stream.add(sale.captured());
                stream.add(sale.shipped());
                expectedCash.merge(key, amount, BigDecimal::add);
                expectedEntries.merge(merchant, 1, Integer::sum);
                if (roll < 3) {
                    stream.add(sale.refunded());
                    expectedCash.merge(key, amount.negate(), BigDecimal::add);
                    expectedEntries.merge(merchant, 1, Integer::sum);
                }
            } else {
                stream.add(sale.voided());
            }
            streams.add(stream);
        }
        // Interleave the sales at random, keeping each one's own events in order.
        List<Event> events = new ArrayList<>();
        while (!streams.isEmpty()) {
            int pick = random.nextInt(streams.size());
            events.add(streams.get(pick).removeFirst());
            if (streams.get(pick).isEmpty()) {
                streams.remove(pick);
            }
        }
        return events;
    }

    /** Everything the books answer, for every merchant: the whole journal (read in pages) and the balance. */
    Map<String, Object> books() {
        Map<String, Object> all = new LinkedHashMap<>();
        for (String m : MERCHANTS) {
            all.put(m + ":journal", wholeJournal(m, 7));
            all.put(m + ":balance", balance(m));
        }
        return all;
    }

    void assertBooksMatchTheMix() {
        for (String m : MERCHANTS) {
            Journal.TrialBalance balance = balance(m);
            assertThat(balance.balanced()).as(m).isTrue();
            for (Journal.CurrencyTotal t : balance.totals()) {
                assertThat(new BigDecimal(t.debit())).isEqualByComparingTo(new BigDecimal(t.credit()));
            }
            for (String c : CURRENCIES) {
                BigDecimal cash = balance.accounts().stream()
                        .filter(a -> a.account().equals("cash") && a.currency().equals(c))
                        .map(a -> new BigDecimal(a.balance()))
                        .findFirst()
                        .orElse(BigDecimal.ZERO);
                BigDecimal revenue = balance.accounts().stream()
                        .filter(a ->
                                a.account().equals("revenue") && a.currency().equals(c))
                        .map(a -> new BigDecimal(a.balance()))
                        .findFirst()
                        .orElse(BigDecimal.ZERO);
                BigDecimal expected = expectedCash.getOrDefault(m + "/" + c, BigDecimal.ZERO);
                assertThat(cash).as(m + " cash " + c).isEqualByComparingTo(expected);
                assertThat(revenue).as(m + " revenue " + c).isEqualByComparingTo(expected.negate());
            }
            List<Journal.Entry> journal = wholeJournal(m, 7);
            assertThat(journal).as(m).hasSize(expectedEntries.getOrDefault(m, 0));
            assertThat(journal).extracting(Journal.Entry::id).doesNotHaveDuplicates();
            assertThat(journal).allSatisfy(e -> assertThat(e.lines()).hasSize(2));
        }
    }

    @Test
    void a_round_booked_as_a_set_leaves_the_books_as_its_events_one_by_one_do() {
        List<Event> events = mix(new Random(5L), "set-", 150);

        long rows = dev.mercato.plane.testing.RoundEquivalence.check(
                stores, new JournalView(name + "_set", List.of(orders, payments)), events, 5L);

        // An order row per sale, and per entry (captures and refunds) the entry and its two lines.
        int entries =
                expectedEntries.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(rows).isEqualTo(150 + 3L * entries);
    }

    @Test
    void after_a_random_mix_of_captures_and_refunds_every_trial_balance_balances_and_a_rebuild_books_the_same()
            throws Exception {
        Random random = new Random(20261201L);
        start();
        send(mix(random, "mix-a-", 120));
        awaitCaughtUp();
        assertBooksMatchTheMix();

        runtime.rebuild(name);
        // The serving generation keeps booking while the new one fills from the start of the log.
        send(mix(random, "mix-b-", 40));
        await().atMost(WAIT)
                .until(() ->
                        active().generation() == 2 && runtime.freshness(name).size() == 1);
        awaitCaughtUp();
        Map<String, Object> rebuilt = books();
        assertBooksMatchTheMix();

        // The same log, booked incrementally by a view that never rebuilt, says exactly the same.
        runtime.close();
        name = name + "_inc";
        view = new JournalView(name, List.of(orders, payments));
        start();
        awaitCaughtUp();
        assertThat(books()).isEqualTo(rebuilt);
    }

    @Test
    void a_paused_journal_lags_says_its_reads_are_stale_then_catches_up() throws Exception {
        start();
        Sales first = anOrder("casa-bella", "lag-1", "30.00");
        send(first.placed(), first.authorized(), first.captured());
        awaitCaughtUp();
        assertThat(active().lagMillis()).isZero();
        ViewReads reads = new ViewReads(runtime, Clock.systemUTC());

        runtime.pause(name);
        Sales second = anOrder("casa-bella", "lag-2", "12.50").at(Sales.T0.plusSeconds(3600));
        Event captured = second.captured();
        send(second.placed(), second.authorized(), captured);
        String token = new ConsistencyToken("payments", captured.key(), captured.sequence()).encode();

        AtomicLong lag = new AtomicLong();
        await().atMost(WAIT).until(() -> {
            ViewFreshness f = active();
            lag.set(f.lagMillis());
            return f.state() == ViewState.PAUSED && f.lagEvents() == 3 && f.lagMillis() > 0;
        });
        await().atMost(WAIT).until(() -> active().lagMillis() > lag.get());
        ViewReads.Freshness stale = reads.before(name, token);
        assertThat(stale.stale()).isTrue();
        assertThat(stale.header()).endsWith("; stale");
        assertThat(wholeJournal("casa-bella", 10))
                .extracting(Journal.Entry::orderId)
                .containsExactly("lag-1");

        runtime.resume(name);

        ViewReads.Freshness fresh = reads.before(name, token);
        assertThat(fresh.stale()).isFalse();
        assertThat(wholeJournal("casa-bella", 10))
                .extracting(Journal.Entry::orderId)
                .containsExactly("lag-1", "lag-2");
        awaitCaughtUp();
        assertThat(active().lagMillis()).isZero();
        assertThat(balance("casa-bella").totals()).containsExactly(new Journal.CurrencyTotal("EUR", "42.50", "42.50"));
    }

    @Test
    void with_its_consumer_down_the_log_keeps_every_sale_and_the_restarted_journal_books_each_exactly_once()
            throws Exception {
        Random random = new Random(7L);
        start();
        List<Event> before = mix(random, "out-a-", 30);
        send(before);
        awaitCaughtUp();

        runtime.close();
        // The sources keep publishing while the view is down; the relay redelivers some events too.
        List<Event> during = mix(random, "out-b-", 30);
        send(during);
        send(during.subList(0, 10));
        send(before.subList(0, 10));

        start();
        awaitCaughtUp();
        assertBooksMatchTheMix();
    }
}
