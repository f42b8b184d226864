package dev.mercato.payments.provider;

import dev.mercato.payments.ProviderLedger.Entry;
import dev.mercato.payments.ProviderLedger.Kind;
import dev.mercato.payments.provider.SimulatedProvider.LedgerPage;
import dev.mercato.payments.provider.SimulatedProvider.LedgerTotal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The provider's state in maps, for tests that want its behaviour without a database. One lock serialises
 * every transaction (the provider sleeps its latency outside them, so they are short), which is per-key
 * serialisation and more; a transaction's writes are staged and applied when its work returns, so a
 * refusal thrown half-way leaves nothing, as a rolled-back database transaction would.
 */
final class InMemoryProviderStore extends ProviderStore {

    private final Map<String, Answered> answers = new HashMap<>();
    private final Map<String, Hold> holds = new HashMap<>();
    private final Map<String, String> newestUnderKey = new HashMap<>();
    private final List<Entry> ledger = new ArrayList<>();
    private long ids;

    @Override
    synchronized <T> T underKey(String key, Function<Transaction, T> work) {
        Staged staged = new Staged();
        T result = work.apply(staged);
        answers.putAll(staged.answers);
        staged.holds.values().forEach(this::put);
        ledger.addAll(staged.entries);
        return result;
    }

    @Override
    synchronized List<Entry> entries() {
        return List.copyOf(ledger);
    }

    @Override
    synchronized List<Entry> entries(String payment) {
        return ledger.stream().filter(e -> e.payment().equals(payment)).toList();
    }

    /** A position is an entry's index plus one: the ledger only grows. */
    @Override
    synchronized LedgerPage entriesAfter(long position, int limit) {
        int from = (int) Math.min(position, ledger.size());
        int to = Math.min(ledger.size(), from + limit);
        return new LedgerPage(
                List.copyOf(ledger.subList(from, to)), to < ledger.size() ? OptionalLong.of(to) : OptionalLong.empty());
    }

    @Override
    synchronized List<LedgerTotal> totals() {
        record Group(Kind kind, String currency) {}
        Map<Group, LedgerTotal> totals = new LinkedHashMap<>();
        for (Entry e : ledger) {
            totals.merge(
                    new Group(e.kind(), e.amount().currency()),
                    new LedgerTotal(
                            e.kind(), e.amount().currency(), 1, e.amount().amount()),
                    (a, b) -> new LedgerTotal(
                            a.kind(), a.currency(), a.count() + 1, a.amount().add(b.amount())));
        }
        return totals.values().stream().sorted(LedgerTotal.ORDER).toList();
    }

    @Override
    synchronized int forgetAnswersBefore(Instant cutoff) {
        int before = answers.size();
        answers.values().removeIf(a -> a.at().isBefore(cutoff));
        return before - answers.size();
    }

    private void put(Hold hold) {
        if (!holds.containsKey(hold.reference())) {
            newestUnderKey.put(hold.authorizationKey(), hold.reference());
        }
        holds.put(hold.reference(), hold);
    }

    /** Reads see the committed state and this transaction's own writes. */
    private final class Staged implements Transaction {
        final Map<String, Answered> answers = new HashMap<>();
        final Map<String, Hold> holds = new LinkedHashMap<>();
        final List<Entry> entries = new ArrayList<>();

        @Override
        public Optional<Answered> answer(String key) {
            return Optional.ofNullable(answers.getOrDefault(key, InMemoryProviderStore.this.answers.get(key)));
        }

        @Override
        public void remember(String key, Answered answered) {
            answers.put(key, answered);
        }

        @Override
        public Optional<Hold> hold(String reference) {
            return Optional.ofNullable(holds.getOrDefault(reference, InMemoryProviderStore.this.holds.get(reference)));
        }

        @Override
        public Optional<Hold> heldUnder(String authorizationKey) {
            Optional<Hold> staged = holds.values().stream()
                    .filter(h -> h.authorizationKey().equals(authorizationKey))
                    .reduce((older, newer) -> newer);
            return staged.or(() ->
                    Optional.ofNullable(newestUnderKey.get(authorizationKey)).flatMap(this::hold));
        }

        @Override
        public void insert(Hold hold) {
            holds.put(hold.reference(), hold);
        }

        @Override
        public void update(Hold hold) {
            holds.put(hold.reference(), hold);
        }

        @Override
        public void book(Entry entry) {
            entries.add(entry);
        }

        @Override
        public String nextId(String prefix) {
            // Ids are not rolled back, as a database sequence's are not.
            return SimulatedProvider.id(prefix, ++ids);
        }
    }
}
