package dev.mercato.payments.domain;

import dev.mercato.payments.Authorization;
import dev.mercato.payments.CapturedTotal;
import dev.mercato.payments.PaymentId;
import dev.mercato.payments.PaymentIntent;
import dev.mercato.payments.PaymentIntent.Status;
import dev.mercato.payments.Payments;
import dev.mercato.payments.provider.AuthorizationResult;
import dev.mercato.payments.provider.IdempotencyKeyReused;
import dev.mercato.payments.provider.PaymentProvider;
import dev.mercato.payments.provider.ProviderRefused;
import dev.mercato.payments.provider.ProviderVoid;
import dev.mercato.payments.provider.Sleeper;
import dev.mercato.payments.provider.UnknownAuthorization;
import dev.mercato.payments.store.JdbcPaymentIntents;
import dev.mercato.plane.Conflict;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.events.ConsistencyToken;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Payments' rules: each operation asks the provider first, with an idempotency key derived from the
 * payment id and the operation ({@code auth:<id>}, {@code capture:<id>}, {@code void:<id>}, {@code
 * refund:<id>}), retrying transient failures with that same key, then records the outcome with its event.
 *
 * <p>The states: AUTHORIZED or DECLINED after authorize; AUTHORIZED to CAPTURED (capture), AUTHORIZED to
 * VOIDED (void), CAPTURED to REFUNDED (refund). Asking for an operation that already happened returns the
 * intent unchanged without calling the provider; anything else is an {@code illegal-payment-transition}.
 *
 * <p>Why money moves once, whatever runs concurrently or crashes:
 *
 * <ul>
 *   <li>the provider's idempotency keys: a retry, a duplicate from another process, or a repeat after a
 *       crash between the provider's answer and our commit gets the provider's first answer, not a second
 *       movement. This is the guarantee relied on; the rest avoids needless calls and double writes;
 *   <li>in this process, requests for one payment are serialised ({@link PaymentLocks}), so duplicates
 *       call the provider once and then read the recorded intent;
 *   <li>in the database, writes are conditional (insert yielding to an existing row; update from the
 *       expected status), so duplicates from several processes record one row and one event. No database
 *       lock or connection is held while the provider is called.
 * </ul>
 */
public final class PaymentsService implements Payments {

    /** Kept with the provider's authorization, so a void of an unrecorded one can record who it was for. */
    private static final String MERCHANT_METADATA = "merchant";

    private static final String CUSTOMER_METADATA = "customer";

    private final JdbcPaymentIntents intents;
    private final PaymentProvider provider;
    private final ProviderCalls calls;
    private final Clock clock;
    private final PaymentLocks locks = new PaymentLocks(256);

    public PaymentsService(
            JdbcPaymentIntents intents, PaymentProvider provider, RetryPolicy retries, Sleeper sleeper, Clock clock) {
        this.intents = intents;
        this.provider = provider;
        this.calls = new ProviderCalls(retries, sleeper);
        this.clock = clock;
    }

    static String authorizationKey(PaymentId id) {
        return "auth:" + id.value();
    }

    static String captureKey(PaymentId id) {
        return "capture:" + id.value();
    }

    static String voidKey(PaymentId id) {
        return "void:" + id.value();
    }

    static String refundKey(PaymentId id) {
        return "refund:" + id.value();
    }

    @Override
    public PaymentIntent authorize(Authorization request) {
        PaymentId id = request.id();
        try (var held = locks.lock(id)) {
            Optional<PaymentIntent> recorded = intents.find(id);
            if (recorded.isPresent()) {
                return sameRequest(recorded.get(), request);
            }
            AuthorizationResult result = calls.call("authorize " + id, () -> {
                try {
                    return provider.authorize(
                            authorizationKey(id), request.amount(), request.method(), metadata(request));
                } catch (IdempotencyKeyReused e) {
                    throw reused(id, e);
                }
            });
            Instant now = clock.instant();
            PaymentIntent intent = switch (result) {
                case AuthorizationResult.Approved a ->
                    new PaymentIntent(
                            id,
                            request.merchant(),
                            request.customer(),
                            request.amount(),
                            Status.AUTHORIZED,
                            Optional.of(a.reference()),
                            Optional.empty(),
                            now,
                            now);
                case AuthorizationResult.Declined d ->
                    new PaymentIntent(
                            id,
                            request.merchant(),
                            request.customer(),
                            request.amount(),
                            Status.DECLINED,
                            Optional.of(d.reference()),
                            Optional.of(d.reason()),
                            now,
                            now);
            };
            JdbcPaymentIntents.Recorded written = intents.recordAuthorization(intent);
            return written.created() ? written.intent() : sameRequest(written.intent(), request);
        }
    }

    @Override
    public PaymentIntent capture(PaymentId id) {
        return move(
                id,
                Status.AUTHORIZED,
                Status.CAPTURED,
                intent -> provider.capture(captureKey(id), reference(intent), intent.amount()));
    }

    @Override
    public PaymentIntent refund(PaymentId id) {
        return move(
                id,
                Status.CAPTURED,
                Status.REFUNDED,
                intent -> provider.refund(refundKey(id), reference(intent), intent.amount()));
    }

    @Override
    public Optional<PaymentIntent> voidAuthorization(PaymentId id) {
        try (var held = locks.lock(id)) {
            Optional<PaymentIntent> recorded = intents.find(id);
            if (recorded.isPresent()) {
                // A decline held nothing: there is nothing to release, and a compensating checkout is done.
                if (recorded.get().status() == Status.DECLINED) {
                    return recorded;
                }
                return Optional.of(move(
                        id,
                        Status.AUTHORIZED,
                        Status.VOIDED,
                        intent -> provider.voidAuthorization(voidKey(id), reference(intent))));
            }
            // Nothing recorded, yet an authorization may exist: its answer was lost, then the caller gave up.
            Optional<ProviderVoid> released;
            try {
                released = calls.call(
                        "void " + id, () -> provider.voidByAuthorizationKey(voidKey(id), authorizationKey(id)));
            } catch (ProviderRefused | IdempotencyKeyReused e) {
                throw providerDisagrees(id, e);
            }
            return released.map(v -> recordUnrecordedVoid(id, v));
        }
    }

    @Override
    public Optional<PaymentIntent> find(PaymentId id) {
        return intents.find(id);
    }

    @Override
    public Optional<ConsistencyToken> latestEvent(PaymentId id) {
        return intents.latestEvent(id);
    }

    @Override
    public List<CapturedTotal> capturedTotals(LocalDate from, LocalDate to) {
        if (from.isAfter(to)) {
            throw new InvalidInput("from", "must not be after to (" + from + " > " + to + ")");
        }
        return intents.capturedTotals(from, to);
    }

    /**
     * One transition: the provider first (with the operation's key, retried), then the conditional update
     * with its event. {@code providerCall} is given the intent as recorded before the move.
     */
    private PaymentIntent move(PaymentId id, Status from, Status to, Consumer<PaymentIntent> providerCall) {
        try (var held = locks.lock(id)) {
            PaymentIntent current = intents.find(id).orElseThrow(() -> new NotFound("payment", id.value()));
            if (reached(current.status(), to)) {
                return current;
            }
            requireTransition(current, from, to);
            try {
                calls.call(operation(to) + " " + id, () -> {
                    providerCall.accept(current);
                    return null;
                });
            } catch (ProviderRefused | UnknownAuthorization | IdempotencyKeyReused e) {
                // Another process may have moved the payment meanwhile: then its state explains the refusal.
                PaymentIntent now = intents.find(id).orElseThrow();
                if (reached(now.status(), to)) {
                    return now;
                }
                requireTransition(now, from, to);
                throw providerDisagrees(id, e);
            }
            return intents.transition(id, from, to, clock.instant()).orElseGet(() -> {
                // Moved by a concurrent request (another process): same target is the same outcome.
                PaymentIntent now = intents.find(id).orElseThrow();
                if (reached(now.status(), to)) {
                    return now;
                }
                throw illegal(now, to);
            });
        }
    }

    private PaymentIntent recordUnrecordedVoid(PaymentId id, ProviderVoid v) {
        Instant now = clock.instant();
        String merchant = v.metadata().get(MERCHANT_METADATA);
        String customer = v.metadata().get(CUSTOMER_METADATA);
        if (merchant == null || customer == null) {
            throw new IllegalStateException("The provider's authorization " + v.authorization() + " under "
                    + authorizationKey(id) + " has no merchant or customer metadata; it was not made by payments");
        }
        PaymentIntent voided = new PaymentIntent(
                id,
                MerchantId.of(merchant),
                customer,
                v.amount(),
                Status.VOIDED,
                Optional.of(v.authorization()),
                Optional.empty(),
                now,
                now);
        JdbcPaymentIntents.Recorded written = intents.recordVoidOfUnrecorded(voided, v.authorizedAt());
        if (written.created() || written.intent().status() == Status.VOIDED) {
            return written.intent();
        }
        // Another process recorded the authorization meanwhile; the provider has released it, so follow.
        return intents.transition(id, Status.AUTHORIZED, Status.VOIDED, now)
                .orElseGet(() -> intents.find(id).orElseThrow());
    }

    /** Whether a payment in {@code status} has already been through the operation that leads to {@code target}. */
    private static boolean reached(Status status, Status target) {
        return status == target || (target == Status.CAPTURED && status == Status.REFUNDED);
    }

    private static void requireTransition(PaymentIntent current, Status from, Status to) {
        if (current.status() != from) {
            throw illegal(current, to);
        }
    }

    private static Conflict illegal(PaymentIntent current, Status to) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("payment", current.id().value());
        properties.put("from", wire(current.status()));
        properties.put("to", wire(to));
        return new Conflict(
                "illegal-payment-transition",
                "Payment " + current.id() + " is " + wire(current.status()) + " and cannot become " + wire(to),
                properties);
    }

    private static Conflict providerDisagrees(PaymentId id, RuntimeException e) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("payment", id.value());
        properties.put(
                "reason",
                switch (e) {
                    case ProviderRefused r -> r.code();
                    case UnknownAuthorization u -> "unknown-authorization";
                    case IdempotencyKeyReused k -> "idempotency-key-reused";
                    default -> "refused";
                });
        return new Conflict("payment-provider-refused", "The payment provider refused: " + e.getMessage(), properties);
    }

    private static Conflict reused(PaymentId id, IdempotencyKeyReused e) {
        return new Conflict(
                "payment-id-reused",
                "Payment " + id + " was already sent to the provider with another amount, merchant or card; use a new"
                        + " payment id for a different payment",
                Map.of("payment", id.value()));
    }

    /** A repeat must be the same payment: the same id with another amount or payer is a caller's bug. */
    private static PaymentIntent sameRequest(PaymentIntent recorded, Authorization request) {
        if (!recorded.merchant().equals(request.merchant())
                || !recorded.customer().equals(request.customer())
                || !recorded.amount().equals(request.amount())) {
            throw new Conflict(
                    "payment-id-reused",
                    "Payment " + recorded.id() + " is recorded for " + recorded.amount() + " from "
                            + recorded.customer() + " to " + recorded.merchant()
                            + "; use a new payment id for a different payment",
                    Map.of("payment", recorded.id().value()));
        }
        return recorded;
    }

    private static Map<String, String> metadata(Authorization request) {
        return Map.of(
                PaymentProvider.PAYMENT_METADATA,
                request.id().value(),
                MERCHANT_METADATA,
                request.merchant().value(),
                CUSTOMER_METADATA,
                request.customer());
    }

    private static String reference(PaymentIntent intent) {
        return intent.providerReference()
                .orElseThrow(() -> new IllegalStateException(intent.id() + " has no provider reference"));
    }

    private static String operation(Status to) {
        return switch (to) {
            case CAPTURED -> "capture";
            case VOIDED -> "void";
            case REFUNDED -> "refund";
            default -> to.name();
        };
    }

    static String wire(Status status) {
        return status.name().toLowerCase(Locale.ROOT);
    }
}
