package dev.mercato.payments.provider;

import dev.mercato.payments.PaymentMethod;
import dev.mercato.payments.ProviderLedger;
import dev.mercato.payments.provider.Faults.Fault;
import dev.mercato.plane.Money;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * An in-process payment provider that behaves like an outside one: it takes time to act, declines by rule,
 * fails transiently (before acting, or after acting with the answer lost), keeps its own idempotency keys
 * and books every money movement in a {@link ProviderLedger}, the evidence that nothing was charged twice.
 *
 * <p>Test tokens: {@code tok_declined} is declined {@code card-declined}, {@code tok_insufficient_funds}
 * {@code insufficient-funds}; an amount above the limit is declined {@code amount-too-large}; any other
 * token is approved.
 *
 * <p>Idempotency: requests are serialised per key. A key that acted answers every repeat of the same
 * request with its first answer, without acting again, and refuses another request ({@link
 * IdempotencyKeyReused}). A request the provider refused or found nothing for acted on nothing, so its key
 * is not spent: asking again once the state allows it acts. Keys are kept for the life of the process.
 */
public final class SimulatedProvider implements PaymentProvider, ProviderLedger {

    public static final String TOKEN_DECLINED = "tok_declined";
    public static final String TOKEN_INSUFFICIENT_FUNDS = "tok_insufficient_funds";

    private enum State {
        AUTHORIZED,
        DECLINED,
        CAPTURED,
        VOIDED
    }

    /** What the provider holds for one authorization attempt; its state changes under its own monitor. */
    private static final class Hold {
        final String reference;
        final Money amount;
        final Map<String, String> metadata;
        final Instant at;
        State state;
        Money captured;
        BigDecimal refunded = BigDecimal.ZERO;

        Hold(String reference, Money amount, Map<String, String> metadata, Instant at, State state) {
            this.reference = reference;
            this.amount = amount;
            this.metadata = metadata;
            this.at = at;
            this.state = state;
        }
    }

    /** What a key was used for: a repeat must be equal to it. */
    private record Request(String operation, List<Object> parameters) {}

    private record Answered(Request request, Object answer) {}

    private final SimulatedProviderSettings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Faults faults;
    private final Random latencies;

    private final Map<String, ReentrantLock> keyLocks = new ConcurrentHashMap<>();
    private final Map<String, Answered> answers = new ConcurrentHashMap<>();
    private final Map<String, Hold> byReference = new ConcurrentHashMap<>();
    private final Map<String, Hold> byAuthorizationKey = new ConcurrentHashMap<>();
    private final List<Entry> ledger = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);

    /** Fails at the settings' rate, seeded by their seed. */
    public SimulatedProvider(SimulatedProviderSettings settings, Clock clock, Sleeper sleeper) {
        this(settings, clock, sleeper, Faults.atRate(settings.failureRate(), new Random(settings.seed())));
    }

    /** Fails as {@code faults} decides (the settings' failure rate is not used). */
    public SimulatedProvider(SimulatedProviderSettings settings, Clock clock, Sleeper sleeper, Faults faults) {
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
        Request request = new Request("authorize", List.of(amount, method.token(), kept));
        return call("authorize", idempotencyKey, () -> request, AuthorizationResult.class, () -> {
            Instant now = clock.instant();
            String reference = nextId("au");
            Optional<String> decline = declineReason(amount, method);
            Hold hold = new Hold(reference, amount, kept, now, decline.isPresent() ? State.DECLINED : State.AUTHORIZED);
            byReference.put(reference, hold);
            byAuthorizationKey.put(idempotencyKey, hold);
            if (decline.isPresent()) {
                return new AuthorizationResult.Declined(reference, decline.get(), amount, now);
            }
            book(idempotencyKey, Kind.AUTHORIZATION, hold, amount, now);
            return new AuthorizationResult.Approved(reference, amount, kept, now);
        });
    }

    @Override
    public ProviderCapture capture(String idempotencyKey, String authorization, Money amount) {
        Objects.requireNonNull(amount, "amount");
        Request request = new Request("capture", List.of(authorization, amount));
        return call("capture", idempotencyKey, () -> request, ProviderCapture.class, () -> {
            Hold hold = hold(authorization);
            Instant now = clock.instant();
            synchronized (hold) {
                switch (hold.state) {
                    case DECLINED -> throw refused("authorization-declined", "capture", hold);
                    case VOIDED -> throw refused("authorization-voided", "capture", hold);
                    case CAPTURED -> throw refused("already-captured", "capture", hold);
                    case AUTHORIZED -> {}
                }
                requireCurrency(hold, amount);
                if (amount.amount().compareTo(hold.amount.amount()) > 0) {
                    throw new ProviderRefused(
                            "amount-exceeds-authorized",
                            "Cannot capture " + amount + " of " + hold.reference + ": only " + hold.amount
                                    + " is authorized");
                }
                hold.state = State.CAPTURED;
                hold.captured = amount;
            }
            book(idempotencyKey, Kind.CAPTURE, hold, amount, now);
            return new ProviderCapture(nextId("ca"), hold.reference, amount, now);
        });
    }

    @Override
    public ProviderVoid voidAuthorization(String idempotencyKey, String authorization) {
        Request request = new Request("void", List.of(authorization));
        return call(
                "void",
                idempotencyKey,
                () -> request,
                ProviderVoid.class,
                () -> release(idempotencyKey, hold(authorization)));
    }

    @Override
    public Optional<ProviderVoid> voidByAuthorizationKey(String idempotencyKey, String authorizationKey) {
        // The request is the authorization found under the key, so a repeat that names it by reference is
        // the same request; with nothing held there is no request, and nothing is spent.
        Supplier<Request> request = () -> heldUnder(authorizationKey)
                .map(h -> new Request("void", List.of(h.reference)))
                .orElse(null);
        return Optional.ofNullable(call(
                "void",
                idempotencyKey,
                request,
                ProviderVoid.class,
                () -> release(idempotencyKey, heldUnder(authorizationKey).orElseThrow())));
    }

    @Override
    public ProviderRefund refund(String idempotencyKey, String authorization, Money amount) {
        Objects.requireNonNull(amount, "amount");
        Request request = new Request("refund", List.of(authorization, amount));
        return call("refund", idempotencyKey, () -> request, ProviderRefund.class, () -> {
            Hold hold = hold(authorization);
            Instant now = clock.instant();
            synchronized (hold) {
                if (hold.state != State.CAPTURED) {
                    throw refused("not-captured", "refund", hold);
                }
                requireCurrency(hold, amount);
                BigDecimal after = hold.refunded.add(amount.amount());
                if (after.compareTo(hold.captured.amount()) > 0) {
                    throw new ProviderRefused(
                            "refund-exceeds-captured",
                            "Cannot refund " + amount + " of " + hold.reference + ": " + hold.captured
                                    + " was captured and " + hold.refunded.toPlainString() + " already refunded");
                }
                hold.refunded = after;
            }
            book(idempotencyKey, Kind.REFUND, hold, amount, now);
            return new ProviderRefund(nextId("re"), hold.reference, amount, now);
        });
    }

    @Override
    public List<Entry> entries() {
        synchronized (ledger) {
            return List.copyOf(ledger);
        }
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
     * One call over the simulated network: maybe fail before acting; serialise on the key; answer a repeat
     * from the key, act on a new request (taking the provider's latency); maybe lose the answer.
     *
     * @param request what the key is used for, read under the key's lock; null when there is nothing to act
     *     on, which answers null and spends no key
     */
    private <T> T call(String operation, String key, Supplier<Request> request, Class<T> type, Supplier<T> act) {
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
        ReentrantLock lock = keyLocks.computeIfAbsent(key, k -> new ReentrantLock());
        T answer;
        lock.lock();
        try {
            Request asked = request.get();
            Answered first = answers.get(key);
            if (first != null) {
                if (!first.request().equals(asked)) {
                    throw new IdempotencyKeyReused(key);
                }
                answer = type.cast(first.answer());
            } else if (asked == null) {
                answer = null;
            } else {
                Duration latency = latency();
                if (!latency.isZero()) {
                    sleeper.sleep(latency);
                }
                answer = act.get();
                answers.put(key, new Answered(asked, answer));
            }
        } finally {
            lock.unlock();
        }
        if (fault == Fault.ANSWER_LOST) {
            throw new TransientProviderFailure(
                    TransientProviderFailure.Kind.ANSWER_LOST,
                    "No answer from the provider for " + operation + " (" + key + ") in time");
        }
        return answer;
    }

    private ProviderVoid release(String key, Hold hold) {
        Instant now = clock.instant();
        synchronized (hold) {
            switch (hold.state) {
                case DECLINED -> throw refused("authorization-declined", "void", hold);
                case CAPTURED -> throw refused("already-captured", "void", hold);
                case VOIDED -> throw refused("already-voided", "void", hold);
                case AUTHORIZED -> {}
            }
            hold.state = State.VOIDED;
        }
        book(key, Kind.VOID, hold, hold.amount, now);
        return new ProviderVoid(nextId("vo"), hold.reference, hold.amount, hold.metadata, hold.at, now);
    }

    /** The authorization held under an authorization key; read under that key's lock, so not mid-authorization. */
    private Optional<Hold> heldUnder(String authorizationKey) {
        ReentrantLock lock = keyLocks.computeIfAbsent(authorizationKey, k -> new ReentrantLock());
        lock.lock();
        try {
            return Optional.ofNullable(byAuthorizationKey.get(authorizationKey)).filter(h -> h.state != State.DECLINED);
        } finally {
            lock.unlock();
        }
    }

    private Hold hold(String authorization) {
        Hold hold = authorization == null ? null : byReference.get(authorization);
        if (hold == null) {
            throw new UnknownAuthorization(authorization);
        }
        return hold;
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

    private static void requireCurrency(Hold hold, Money amount) {
        if (!hold.amount.currency().equals(amount.currency())) {
            throw new ProviderRefused(
                    "currency-mismatch",
                    hold.reference + " is in " + hold.amount.currency() + ", not " + amount.currency());
        }
    }

    private static ProviderRefused refused(String code, String operation, Hold hold) {
        return new ProviderRefused(code, "Cannot " + operation + " " + hold.reference + ": " + code.replace('-', ' '));
    }

    private void book(String key, Kind kind, Hold hold, Money amount, Instant at) {
        synchronized (ledger) {
            ledger.add(
                    new Entry(key, kind, hold.metadata.getOrDefault(PAYMENT_METADATA, ""), hold.reference, amount, at));
        }
    }

    private Duration latency() {
        long min = settings.latencyMin().toNanos();
        long max = settings.latencyMax().toNanos();
        return Duration.ofNanos(min == max ? min : min + latencies.nextLong(max - min + 1));
    }

    private String nextId(String prefix) {
        return prefix + "_" + String.format("%08d", ids.incrementAndGet());
    }
}
