package dev.mercato.payments.provider;

import dev.mercato.payments.PaymentId;
import dev.mercato.payments.PaymentMethod;
import dev.mercato.payments.ProviderLedger;
import dev.mercato.payments.provider.Faults.Fault;
import dev.mercato.payments.provider.ProviderStore.Answered;
import dev.mercato.payments.provider.ProviderStore.Request;
import dev.mercato.payments.provider.ProviderStore.Transaction;
import dev.mercato.plane.Money;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * An in-process payment provider that behaves like an outside one: it takes time to act, declines by rule,
 * fails transiently (before acting, or after acting with the answer lost), keeps its own idempotency keys
 * and books every money movement in a {@link ProviderLedger}, the evidence that nothing was charged twice.
 * What it remembers lives in a {@link ProviderStore}: in PostgreSQL for the platform, so that, like a real
 * provider, it remembers across crashes of the platform's process and across instances sharing the store.
 *
 * <p>Test tokens: {@code tok_declined} is declined {@code card-declined}, {@code tok_insufficient_funds}
 * {@code insufficient-funds}; an amount above the limit is declined {@code amount-too-large}; any other
 * token is approved.
 *
 * <p>Idempotency: requests are serialised per key. A key that acted answers every repeat of the same
 * request with its first answer, without acting again, and refuses another request ({@link
 * IdempotencyKeyReused}). A request the provider refused or found nothing for acted on nothing, so its key
 * is not spent: asking again once the state allows it acts. Each call that acts commits its change, its
 * ledger entry and its answer together. Answers are kept until {@link #forgetAnswersOlderThan} deletes
 * them; the holds and the ledger are kept for good.
 */
public final class SimulatedProvider implements PaymentProvider, ProviderLedger {

    public static final String TOKEN_DECLINED = "tok_declined";
    public static final String TOKEN_INSUFFICIENT_FUNDS = "tok_insufficient_funds";

    /** A page of the ledger, oldest first; {@code next} is the position to read on from, empty at the end. */
    public record LedgerPage(List<Entry> entries, OptionalLong next) {
        public LedgerPage {
            entries = List.copyOf(entries);
        }
    }

    /** The movements of one kind in one currency over the whole ledger: how many, and their sum. */
    public record LedgerTotal(Kind kind, String currency, long count, BigDecimal amount) {
        static final Comparator<LedgerTotal> ORDER =
                Comparator.comparing(LedgerTotal::kind).thenComparing(LedgerTotal::currency);
    }

    private final ProviderStore store;
    private final SimulatedProviderSettings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Faults faults;
    private final Random latencies;
    private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);

    /** Fails at the settings' rate, seeded by their seed. */
    public SimulatedProvider(ProviderStore store, SimulatedProviderSettings settings, Clock clock, Sleeper sleeper) {
        this(store, settings, clock, sleeper, Faults.atRate(settings.failureRate(), new Random(settings.seed())));
    }

    /** Fails as {@code faults} decides (the settings' failure rate is not used). */
    public SimulatedProvider(
            ProviderStore store, SimulatedProviderSettings settings, Clock clock, Sleeper sleeper, Faults faults) {
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.faults = Objects.requireNonNull(faults, "faults");
        // Its own stream, so latency draws do not shift which calls fail.
        this.latencies = new Random(settings.seed() * 31 + 7);
        for (Fault f : Fault.values()) {
            injected.put(f, new AtomicLong());
        }
    }

    @Override
    public AuthorizationResult authorize(
            String idempotencyKey, Money amount, PaymentMethod method, Map<String, String> metadata) {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(method, "method");
        Map<String, String> kept = Map.copyOf(metadata);
        Request request = new Request("authorize", null, amount, method.token(), kept);
        return call("authorize", idempotencyKey, tx -> request, AuthorizationResult.class, tx -> {
            Instant now = now();
            Hold hold = Hold.of(tx.nextId("au"), idempotencyKey, amount, kept, now);
            Optional<String> decline = declineReason(amount, method);
            if (decline.isPresent()) {
                tx.insert(hold.declined());
                return new AuthorizationResult.Declined(hold.reference(), decline.get(), amount, now);
            }
            tx.insert(hold);
            book(tx, idempotencyKey, Kind.AUTHORIZATION, hold, amount, now);
            return new AuthorizationResult.Approved(hold.reference(), amount, kept, now);
        });
    }

    @Override
    public ProviderCapture capture(String idempotencyKey, String authorization, Money amount) {
        Objects.requireNonNull(amount, "amount");
        Request request = new Request("capture", authorization, amount, null, null);
        return call("capture", idempotencyKey, tx -> request, ProviderCapture.class, tx -> {
            Hold captured = hold(tx, authorization).capture(amount);
            Instant at = change(tx, idempotencyKey, Kind.CAPTURE, captured, amount);
            return new ProviderCapture(tx.nextId("ca"), captured.reference(), amount, at);
        });
    }

    @Override
    public ProviderVoid voidAuthorization(String idempotencyKey, String authorization) {
        Request request = new Request("void", authorization, null, null, null);
        return call(
                "void",
                idempotencyKey,
                tx -> request,
                ProviderVoid.class,
                tx -> release(tx, idempotencyKey, hold(tx, authorization)));
    }

    @Override
    public Optional<ProviderVoid> voidByAuthorizationKey(String idempotencyKey, String authorizationKey) {
        // The request is the authorization found under the key, so a repeat that names it by reference is
        // the same request; with nothing held there is no request, and nothing is spent.
        Function<Transaction, Request> request = tx -> heldUnder(tx, authorizationKey)
                .map(h -> new Request("void", h.reference(), null, null, null))
                .orElse(null);
        return Optional.ofNullable(call(
                "void",
                idempotencyKey,
                request,
                ProviderVoid.class,
                tx -> release(
                        tx, idempotencyKey, heldUnder(tx, authorizationKey).orElseThrow())));
    }

    @Override
    public ProviderRefund refund(String idempotencyKey, String authorization, Money amount) {
        Objects.requireNonNull(amount, "amount");
        Request request = new Request("refund", authorization, amount, null, null);
        return call("refund", idempotencyKey, tx -> request, ProviderRefund.class, tx -> {
            Hold refunded = hold(tx, authorization).refund(amount);
            Instant at = change(tx, idempotencyKey, Kind.REFUND, refunded, amount);
            return new ProviderRefund(tx.nextId("re"), refunded.reference(), amount, at);
        });
    }

    @Override
    public List<Entry> entries() {
        return store.entries();
    }

    @Override
    public List<Entry> entries(PaymentId payment) {
        return store.entries(payment.value());
    }

    /**
     * Up to {@code limit} ledger entries after {@code position}: 0 for the first page, then the page's
     * {@code next}; for reading a ledger too long to hold at once.
     */
    public LedgerPage entries(long position, int limit) {
        if (position < 0 || limit < 1) {
            throw new IllegalArgumentException("A ledger page needs position >= 0 and limit >= 1");
        }
        return store.entriesAfter(position, limit);
    }

    /** Per kind and currency, over the whole ledger, by kind then currency. */
    public List<LedgerTotal> totals() {
        return store.totals();
    }

    /**
     * Deletes the answers to keys given longer than {@code age} ago: a repeat of such a key acts as a new
     * request, so {@code age} must be far longer than any caller retries a key. Holds and the ledger stay:
     * a capture, void or refund repeated later is still refused by the authorization's state.
     *
     * @return how many answers were deleted
     */
    public int forgetAnswersOlderThan(Duration age) {
        if (age.isNegative() || age.isZero()) {
            throw new IllegalArgumentException("Answers are kept for a positive time, got " + age);
        }
        return store.forgetAnswersBefore(clock.instant().minus(age));
    }

    /** How many calls the simulated network failed, by kind: lets a test show its failures really happened. */
    public Map<Fault, Long> faultsInjected() {
        Map<Fault, Long> counts = new EnumMap<>(Fault.class);
        injected.forEach((fault, count) -> counts.put(fault, count.get()));
        return counts;
    }

    public SimulatedProviderSettings settings() {
        return settings;
    }

    /**
     * One call over the simulated network: maybe fail before acting; serialised on the key in one
     * transaction, answer a repeat from the key or act and keep the answer; a call that acted then takes
     * the provider's latency (holding no connection or lock); maybe lose the answer.
     *
     * @param request what the key is used for, read in the key's transaction; null when there is nothing to
     *     act on, which answers null and spends no key
     */
    private <T> T call(
            String operation,
            String key,
            Function<Transaction, Request> request,
            Class<T> type,
            Function<Transaction, T> act) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("Every provider call needs an idempotency key");
        }
        Fault fault = faults.next(operation, key);
        injected.get(fault).incrementAndGet();
        if (fault == Fault.REQUEST_FAILED) {
            throw new TransientProviderFailure(
                    TransientProviderFailure.Kind.REQUEST_FAILED,
                    "The provider failed " + operation + " (" + key + ") before acting");
        }
        T answer;
        boolean[] acted = {false};
        try {
            answer = store.underKey(key, tx -> {
                Request asked = request.apply(tx);
                Optional<Answered> first = tx.answer(key);
                if (first.isPresent()) {
                    if (!first.get().request().equals(asked)) {
                        throw new IdempotencyKeyReused(key);
                    }
                    return type.cast(first.get().answer());
                }
                if (asked == null) {
                    return null;
                }
                T result = act.apply(tx);
                tx.remember(key, new Answered(asked, result, now()));
                acted[0] = true;
                return result;
            });
        } catch (TransientDataAccessException
                | DataAccessResourceFailureException
                | CannotCreateTransactionException e) {
            // The provider's own database failed: its transaction rolled back, so it did not act (or, if the
            // commit's answer was what got lost, the retry with the same key gets the first answer).
            throw new TransientProviderFailure(
                    TransientProviderFailure.Kind.REQUEST_FAILED,
                    "The provider failed " + operation + " (" + key + "): " + e.getMessage());
        }
        if (acted[0]) {
            // The time a call that acted takes, spent after its transaction so that no connection or
            // key lock is held while waiting; a repeat answered from the key takes none.
            Duration latency = latency();
            if (!latency.isZero()) {
                sleeper.sleep(latency);
            }
        }
        if (fault == Fault.ANSWER_LOST) {
            throw new TransientProviderFailure(
                    TransientProviderFailure.Kind.ANSWER_LOST,
                    "No answer from the provider for " + operation + " (" + key + ") in time");
        }
        return answer;
    }

    private ProviderVoid release(Transaction tx, String key, Hold hold) {
        Hold released = hold.release();
        Instant at = change(tx, key, Kind.VOID, released, released.amount());
        return new ProviderVoid(
                tx.nextId("vo"), released.reference(), released.amount(), released.metadata(), released.at(), at);
    }

    /** Keeps a hold's new state and books the money it moved, in the call's transaction; returns when. */
    private Instant change(Transaction tx, String key, Kind kind, Hold changed, Money amount) {
        Instant now = now();
        tx.update(changed);
        book(tx, key, kind, changed, amount, now);
        return now;
    }

    /** The authorization held under an authorization key, not a declined attempt. */
    private static Optional<Hold> heldUnder(Transaction tx, String authorizationKey) {
        return tx.heldUnder(authorizationKey).filter(h -> h.state() != Hold.State.DECLINED);
    }

    private static Hold hold(Transaction tx, String authorization) {
        return (authorization == null ? Optional.<Hold>empty() : tx.hold(authorization))
                .orElseThrow(() -> new UnknownAuthorization(authorization));
    }

    private Optional<String> declineReason(Money amount, PaymentMethod method) {
        return switch (method.token()) {
            case TOKEN_DECLINED -> Optional.of("card-declined");
            case TOKEN_INSUFFICIENT_FUNDS -> Optional.of("insufficient-funds");
            default ->
                amount.amount().compareTo(settings.amountLimit()) > 0
                        ? Optional.of("amount-too-large")
                        : Optional.empty();
        };
    }

    private static void book(Transaction tx, String key, Kind kind, Hold hold, Money amount, Instant at) {
        tx.book(new Entry(key, kind, hold.payment(), hold.reference(), amount, at));
    }

    /** To the microsecond, as PostgreSQL keeps time: an answer read back equals the one first given. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private Duration latency() {
        long min = settings.latencyMin().toNanos();
        long max = settings.latencyMax().toNanos();
        return Duration.ofNanos(min == max ? min : min + latencies.nextLong(max - min + 1));
    }

    static String id(String prefix, long number) {
        return prefix + "_" + String.format("%08d", number);
    }
}
