package dev.mercato.payments.provider;

import dev.mercato.payments.ProviderLedger.Entry;
import dev.mercato.plane.Money;
import dev.mercato.plane.postgres.PostgresStores;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the simulated provider keeps what a real provider keeps in its own database: the answer given to
 * each idempotency key, its authorizations (holds) and the ledger of money moved. The platform uses {@link
 * #onPostgres}, so that a provider in a new process (after a crash, or another instance of the platform)
 * remembers every key and every movement; {@link #inMemory} behaves the same for the life of the object, for
 * fast tests. Only this package implements it.
 */
public abstract sealed class ProviderStore permits InMemoryProviderStore, PostgresProviderStore {

    ProviderStore() {}

    /** The provider's state in schema {@code provider} of these stores, under its own role. */
    public static ProviderStore onPostgres(PostgresStores stores) {
        return new PostgresProviderStore(stores.open(PostgresProviderStore.SCHEMA));
    }

    /** The provider's state in this object only: gone with it. */
    public static ProviderStore inMemory() {
        return new InMemoryProviderStore();
    }

    /**
     * What a key was used for: a repeat must be equal to it. Fields an operation does not take are null.
     *
     * @param authorization the provider's id of the authorization acted on
     * @param token the payment method's token, for an authorization
     */
    record Request(String operation, String authorization, Money amount, String token, Map<String, String> metadata) {
        Request {
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        }
    }

    /** The first answer to a key, kept to answer every repeat. */
    record Answered(Request request, Object answer, Instant at) {}

    /**
     * Runs {@code work} in one transaction, serialised with every other transaction on the same key, in this
     * process and in any other process sharing the store. What {@code work} writes is kept all together
     * when it returns and not at all when it throws (the exception is passed on).
     */
    abstract <T> T underKey(String key, Function<Transaction, T> work);

    abstract List<Entry> entries();

    abstract List<Entry> entries(String payment);

    /** Up to {@code limit} entries after {@code position} (0 for the first). */
    abstract SimulatedProvider.LedgerPage entriesAfter(long position, int limit);

    abstract List<SimulatedProvider.LedgerTotal> totals();

    /** Deletes the answers given before {@code cutoff}; returns how many. Holds and ledger are kept. */
    abstract int forgetAnswersBefore(Instant cutoff);

    /** One provider call's reads and writes, inside {@link #underKey}. */
    interface Transaction {

        Optional<Answered> answer(String key);

        void remember(String key, Answered answered);

        /** The hold with this reference, kept from other transactions' changes until this one ends. */
        Optional<Hold> hold(String reference);

        /**
         * The newest hold authorized under {@code authorizationKey}, like {@link #hold}; waits for an
         * authorization under that key that is being made, so it never answers in the middle of one.
         */
        Optional<Hold> heldUnder(String authorizationKey);

        void insert(Hold hold);

        void update(Hold hold);

        void book(Entry entry);

        /** A new id for something the provider made ({@code au}thorization, {@code ca}pture, ...). */
        String nextId(String prefix);
    }
}
