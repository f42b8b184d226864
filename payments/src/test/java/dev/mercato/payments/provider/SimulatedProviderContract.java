package dev.mercato.payments.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mercato.payments.PaymentId;
import dev.mercato.payments.PaymentMethod;
import dev.mercato.payments.ProviderLedger.Entry;
import dev.mercato.payments.ProviderLedger.Kind;
import dev.mercato.payments.provider.Faults.Fault;
import dev.mercato.plane.Money;
import dev.mercato.plane.testing.MutableClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the simulated provider promises, whichever store keeps its state: each subclass runs every test here
 * on its store. A "new provider" over {@link #sameStoreElsewhere()} is what a platform process that
 * started again, or another instance sharing the store, would get.
 */
abstract class SimulatedProviderContract {

    static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    static final Money TEN = Money.of("10.00", "EUR");
    static final PaymentMethod VISA = PaymentMethod.DEFAULT;

    final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());
    final MutableClock clock = new MutableClock(NOW);

    /** The store this test starts with, empty. */
    abstract ProviderStore store();

    /** The same state as {@link #store()}, reached as another process would reach it. */
    abstract ProviderStore sameStoreElsewhere();

    SimulatedProvider provider() {
        return new SimulatedProvider(store(), SimulatedProviderSettings.DETERMINISTIC, clock, slept::add);
    }

    /** A new provider over the same state, as after a restart: nothing of the first but what it stored. */
    SimulatedProvider restarted() {
        return new SimulatedProvider(sameStoreElsewhere(), SimulatedProviderSettings.DETERMINISTIC, clock, slept::add);
    }

    /** A provider whose network fails the calls as scripted, in order, then never. */
    SimulatedProvider failing(Fault... script) {
        Deque<Fault> faults = new ArrayDeque<>(List.of(script));
        return new SimulatedProvider(store(), SimulatedProviderSettings.DETERMINISTIC, clock, slept::add, (op, key) -> {
            synchronized (faults) {
                return faults.isEmpty() ? Fault.NONE : faults.poll();
            }
        });
    }

    static Map<String, String> payment(String id) {
        return Map.of("payment", id, "merchant", "acme", "customer", "c-1");
    }

    static String approved(AuthorizationResult result) {
        assertThat(result).isInstanceOf(AuthorizationResult.Approved.class);
        return result.reference();
    }

    @Test
    void a_well_formed_token_is_approved_and_its_hold_is_booked_in_the_ledger() {
        SimulatedProvider provider = provider();
        AuthorizationResult result =
                provider.authorize("auth:p-1", TEN, new PaymentMethod("tok_mastercard"), payment("p-1"));

        assertThat(result).isInstanceOf(AuthorizationResult.Approved.class);
        assertThat(((AuthorizationResult.Approved) result).metadata()).containsEntry("merchant", "acme");
        assertThat(provider.entries())
                .containsExactly(new Entry("auth:p-1", Kind.AUTHORIZATION, "p-1", result.reference(), TEN, NOW));
    }

    @Test
    void declined_tokens_are_declined_with_their_reason_and_move_no_money() {
        SimulatedProvider provider = provider();

        var declined = provider.authorize("auth:p-1", TEN, new PaymentMethod("tok_declined"), payment("p-1"));
        var poor = provider.authorize("auth:p-2", TEN, new PaymentMethod("tok_insufficient_funds"), payment("p-2"));

        assertThat(declined)
                .isInstanceOfSatisfying(
                        AuthorizationResult.Declined.class,
                        d -> assertThat(d.reason()).isEqualTo("card-declined"));
        assertThat(poor)
                .isInstanceOfSatisfying(
                        AuthorizationResult.Declined.class,
                        d -> assertThat(d.reason()).isEqualTo("insufficient-funds"));
        assertThat(provider.entries()).isEmpty();
    }

    @Test
    void an_amount_above_the_limit_is_declined_as_too_large_in_any_currency() {
        SimulatedProvider provider = provider();

        var atLimit = provider.authorize("auth:p-1", Money.of("10000.00", "EUR"), VISA, payment("p-1"));
        var aboveInEuro = provider.authorize("auth:p-2", Money.of("10000.01", "EUR"), VISA, payment("p-2"));
        var aboveInYen = provider.authorize("auth:p-3", Money.of("10001", "JPY"), VISA, payment("p-3"));

        assertThat(atLimit).isInstanceOf(AuthorizationResult.Approved.class);
        for (var result : List.of(aboveInEuro, aboveInYen)) {
            assertThat(result)
                    .isInstanceOfSatisfying(
                            AuthorizationResult.Declined.class,
                            d -> assertThat(d.reason()).isEqualTo("amount-too-large"));
        }
        assertThat(provider.entries()).extracting(Entry::payment).containsExactly("p-1");
    }

    @Test
    void repeating_a_key_with_the_same_request_answers_the_first_result_without_acting_again() {
        SimulatedProvider provider = provider();
        var first = provider.authorize("auth:p-1", TEN, VISA, payment("p-1"));
        var again = provider.authorize("auth:p-1", TEN, VISA, payment("p-1"));
        var capture = provider.capture("capture:p-1", first.reference(), TEN);
        var captureAgain = provider.capture("capture:p-1", first.reference(), TEN);

        assertThat(again).isEqualTo(first);
        assertThat(captureAgain).isEqualTo(capture);
        assertThat(provider.entries()).extracting(Entry::kind).containsExactly(Kind.AUTHORIZATION, Kind.CAPTURE);
    }

    @Test
    void reusing_a_key_for_another_request_is_refused_and_does_nothing() {
        SimulatedProvider provider = provider();
        String reference = approved(provider.authorize("auth:p-1", TEN, VISA, payment("p-1")));

        assertThatThrownBy(() -> provider.authorize("auth:p-1", Money.of("11.00", "EUR"), VISA, payment("p-1")))
                .isInstanceOf(IdempotencyKeyReused.class)
                .hasMessageContaining("auth:p-1");
        assertThatThrownBy(() -> provider.capture("auth:p-1", reference, TEN)).isInstanceOf(IdempotencyKeyReused.class);
        assertThat(provider.entries()).hasSize(1);
    }

    @Test
    void concurrent_requests_with_one_key_act_once() throws Exception {
        // Real latency here: without the per-key serialisation, every thread would act while the first waits.
        var provider = new SimulatedProvider(
                store(),
                SimulatedProviderSettings.DETERMINISTIC.withLatency(Duration.ofMillis(2), Duration.ofMillis(3)),
                clock,
                Sleeper.REAL);
        int threads = 32;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<AuthorizationResult>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return provider.authorize("auth:p-1", TEN, VISA, payment("p-1"));
                }));
            }
            start.countDown();
            List<AuthorizationResult> answers = new ArrayList<>();
            for (var r : results) {
                answers.add(r.get(10, TimeUnit.SECONDS));
            }
            assertThat(answers).hasSize(threads).containsOnly(answers.getFirst());
        }
        assertThat(provider.entries()).hasSize(1);
    }

    @Test
    void a_lost_answer_means_the_provider_acted_and_a_retry_with_the_key_gets_that_answer() {
        SimulatedProvider provider = failing(Fault.ANSWER_LOST);

        var lost = catchThrowableOfType(
                TransientProviderFailure.class, () -> provider.authorize("auth:p-1", TEN, VISA, payment("p-1")));
        assertThat(lost.kind()).isEqualTo(TransientProviderFailure.Kind.ANSWER_LOST);
        assertThat(provider.entries()).as("the provider acted").hasSize(1);

        String reference = approved(provider.authorize("auth:p-1", TEN, VISA, payment("p-1")));
        assertThat(provider.entries())
                .as("the retry got the first answer")
                .singleElement()
                .extracting(Entry::reference)
                .isEqualTo(reference);
        assertThat(provider.faultsInjected()).containsEntry(Fault.ANSWER_LOST, 1L);
    }

    @Test
    void a_request_that_failed_before_the_provider_acted_moved_no_money_and_a_retry_acts() {
        SimulatedProvider provider = failing(Fault.REQUEST_FAILED);

        var failed = catchThrowableOfType(
                TransientProviderFailure.class, () -> provider.authorize("auth:p-1", TEN, VISA, payment("p-1")));
        assertThat(failed.kind()).isEqualTo(TransientProviderFailure.Kind.REQUEST_FAILED);
        assertThat(provider.entries()).isEmpty();

        provider.authorize("auth:p-1", TEN, VISA, payment("p-1"));
        assertThat(provider.entries()).hasSize(1);
    }

    @Test
    void capture_takes_at_most_the_authorized_amount_once() {
        SimulatedProvider provider = provider();
        String reference = approved(provider.authorize("auth:p-1", TEN, VISA, payment("p-1")));

        assertThatThrownBy(() -> provider.capture("capture:p-1", reference, Money.of("10.01", "EUR")))
                .isInstanceOfSatisfying(
                        ProviderRefused.class, e -> assertThat(e.code()).isEqualTo("amount-exceeds-authorized"));
        assertThatThrownBy(() -> provider.capture("capture:p-1", reference, Money.of("10.00", "USD")))
                .isInstanceOfSatisfying(
                        ProviderRefused.class, e -> assertThat(e.code()).isEqualTo("currency-mismatch"));
        provider.capture("capture:p-1", reference, Money.of("7.50", "EUR"));
        assertThatThrownBy(() -> provider.capture("capture:p-1-again", reference, Money.of("2.50", "EUR")))
                .isInstanceOfSatisfying(
                        ProviderRefused.class, e -> assertThat(e.code()).isEqualTo("already-captured"));

        assertThat(provider.entries())
                .filteredOn(e -> e.kind() == Kind.CAPTURE)
                .singleElement()
                .extracting(Entry::amount)
                .isEqualTo(Money.of("7.50", "EUR"));
    }

    @Test
    void a_voided_authorization_cannot_be_captured_and_a_captured_one_cannot_be_voided() {
        SimulatedProvider provider = provider();
        String voided = approved(provider.authorize("auth:p-1", TEN, VISA, payment("p-1")));
        String captured = approved(provider.authorize("auth:p-2", TEN, VISA, payment("p-2")));

        provider.voidAuthorization("void:p-1", voided);
        provider.capture("capture:p-2", captured, TEN);

        assertThatThrownBy(() -> provider.capture("capture:p-1", voided, TEN))
                .isInstanceOfSatisfying(
                        ProviderRefused.class, e -> assertThat(e.code()).isEqualTo("authorization-voided"));
        assertThatThrownBy(() -> provider.voidAuthorization("void:p-2", captured))
                .isInstanceOfSatisfying(
                        ProviderRefused.class, e -> assertThat(e.code()).isEqualTo("already-captured"));
        assertThatThrownBy(() -> provider.voidAuthorization("void:p-1-again", voided))
                .isInstanceOfSatisfying(
                        ProviderRefused.class, e -> assertThat(e.code()).isEqualTo("already-voided"));
        assertThat(provider.entries())
                .extracting(Entry::kind, Entry::payment)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Kind.AUTHORIZATION, "p-1"),
                        org.assertj.core.groups.Tuple.tuple(Kind.AUTHORIZATION, "p-2"),
                        org.assertj.core.groups.Tuple.tuple(Kind.VOID, "p-1"),
                        org.assertj.core.groups.Tuple.tuple(Kind.CAPTURE, "p-2"));
    }

    @Test
    void refund_before_capture_is_refused_without_spending_its_key_and_refunds_add_up_to_the_capture_at_most() {
        SimulatedProvider provider = provider();
        String reference = approved(provider.authorize("auth:p-1", TEN, VISA, payment("p-1")));

        assertThatThrownBy(() -> provider.refund("refund:p-1", reference, TEN))
                .isInstanceOfSatisfying(
                        ProviderRefused.class, e -> assertThat(e.code()).isEqualTo("not-captured"));

        provider.capture("capture:p-1", reference, TEN);
        provider.refund("refund:p-1", reference, Money.of("6.00", "EUR"));
        assertThatThrownBy(() -> provider.refund("refund:p-1-b", reference, Money.of("4.01", "EUR")))
                .isInstanceOfSatisfying(
                        ProviderRefused.class, e -> assertThat(e.code()).isEqualTo("refund-exceeds-captured"));
        provider.refund("refund:p-1-b", reference, Money.of("4.00", "EUR"));

        assertThat(provider.entries())
                .filteredOn(e -> e.kind() == Kind.REFUND)
                .extracting(Entry::amount)
                .containsExactly(Money.of("6.00", "EUR"), Money.of("4.00", "EUR"));
    }

    @Test
    void capture_void_and_refund_of_an_unknown_authorization_fail_as_unknown() {
        SimulatedProvider provider = provider();

        assertThatThrownBy(() -> provider.capture("capture:x", "au_nope", TEN))
                .isInstanceOf(UnknownAuthorization.class);
        assertThatThrownBy(() -> provider.voidAuthorization("void:x", "au_nope"))
                .isInstanceOf(UnknownAuthorization.class);
        assertThatThrownBy(() -> provider.refund("refund:x", "au_nope", TEN)).isInstanceOf(UnknownAuthorization.class);
        assertThat(provider.entries()).isEmpty();
    }

    @Test
    void voiding_under_an_authorization_key_nothing_was_authorized_under_answers_nothing_and_spends_no_key() {
        SimulatedProvider provider = provider();

        assertThat(provider.voidByAuthorizationKey("void:p-1", "auth:p-1")).isEmpty();

        // A later authorization under that key can still be voided with the same void key.
        String reference = approved(provider.authorize("auth:p-1", TEN, VISA, payment("p-1")));
        assertThat(provider.voidByAuthorizationKey("void:p-1", "auth:p-1"))
                .hasValueSatisfying(v -> assertThat(v.authorization()).isEqualTo(reference));
    }

    @Test
    void voiding_under_an_authorization_key_releases_what_it_authorized_and_gives_back_its_metadata() {
        SimulatedProvider provider = failing(Fault.ANSWER_LOST);
        assertThatThrownBy(() -> provider.authorize("auth:p-1", TEN, VISA, payment("p-1")))
                .isInstanceOf(TransientProviderFailure.class);

        ProviderVoid released =
                provider.voidByAuthorizationKey("void:p-1", "auth:p-1").orElseThrow();
        ProviderVoid byReference = provider.voidAuthorization("void:p-1", released.authorization());

        assertThat(released.amount()).isEqualTo(TEN);
        assertThat(released.metadata()).isEqualTo(payment("p-1"));
        assertThat(released.authorizedAt()).isEqualTo(NOW);
        assertThat(byReference).as("the same request, named by reference").isEqualTo(released);
        assertThat(provider.entries()).extracting(Entry::kind).containsExactly(Kind.AUTHORIZATION, Kind.VOID);
    }

    @Test
    void a_declined_attempt_holds_nothing_to_void_or_capture() {
        SimulatedProvider provider = provider();
        var declined = provider.authorize("auth:p-1", TEN, new PaymentMethod("tok_declined"), payment("p-1"));

        assertThat(provider.voidByAuthorizationKey("void:p-1", "auth:p-1")).isEmpty();
        assertThatThrownBy(() -> provider.capture("capture:p-1", declined.reference(), TEN))
                .isInstanceOfSatisfying(
                        ProviderRefused.class, e -> assertThat(e.code()).isEqualTo("authorization-declined"));
        assertThat(provider.entries()).isEmpty();
    }

    @Test
    void acting_takes_a_latency_drawn_from_the_configured_range_and_a_replay_answers_at_once() {
        var settings = SimulatedProviderSettings.DETERMINISTIC.withLatency(Duration.ofMillis(1), Duration.ofMillis(5));
        var provider = new SimulatedProvider(store(), settings, clock, slept::add);
        for (int i = 0; i < 50; i++) {
            provider.authorize("auth:p-" + i, TEN, VISA, payment("p-" + i));
        }
        provider.authorize("auth:p-0", TEN, VISA, payment("p-0"));

        assertThat(slept)
                .hasSize(50)
                .allSatisfy(d -> assertThat(d).isBetween(Duration.ofMillis(1), Duration.ofMillis(5)));
        assertThat(slept.stream().distinct().count()).as("drawn, not fixed").isGreaterThan(10);
    }

    @Test
    void a_new_provider_over_the_same_store_answers_repeated_keys_with_the_first_answers_and_moves_nothing_again() {
        SimulatedProvider first = provider();
        var authorized = first.authorize("auth:pay-1", TEN, VISA, payment("pay-1"));
        var captured = first.capture("capture:pay-1", authorized.reference(), TEN);
        var released = first.voidByAuthorizationKey("void:pay-2", "auth:pay-2");
        List<Entry> before = first.entries();

        SimulatedProvider restarted = restarted();

        assertThat(restarted.entries())
                .as("the ledger survives")
                .isEqualTo(before)
                .hasSize(2);
        assertThat(restarted.authorize("auth:pay-1", TEN, VISA, payment("pay-1")))
                .isEqualTo(authorized);
        assertThat(restarted.capture("capture:pay-1", authorized.reference(), TEN))
                .isEqualTo(captured);
        assertThat(released).as("nothing was held under auth:pay-2").isEmpty();
        assertThatThrownBy(() -> restarted.authorize("auth:pay-1", Money.of("11.00", "EUR"), VISA, payment("pay-1")))
                .as("the key is still spent")
                .isInstanceOf(IdempotencyKeyReused.class);
        assertThatThrownBy(() -> restarted.capture("capture:pay-1-again", authorized.reference(), TEN))
                .as("the authorization's state survives too")
                .isInstanceOfSatisfying(
                        ProviderRefused.class, e -> assertThat(e.code()).isEqualTo("already-captured"));
        assertThat(restarted.entries(PaymentId.of("pay-1"))).isEqualTo(before);
        assertThat(restarted.entries()).isEqualTo(before);
    }

    @Test
    void an_answer_lost_after_acting_and_a_retry_from_a_new_provider_book_the_movement_once() {
        SimulatedProvider crashed = failing(Fault.NONE, Fault.ANSWER_LOST);
        String reference = approved(crashed.authorize("auth:pay-1", TEN, VISA, payment("pay-1")));
        assertThatThrownBy(() -> crashed.capture("capture:pay-1", reference, TEN))
                .isInstanceOfSatisfying(
                        TransientProviderFailure.class,
                        e -> assertThat(e.kind()).isEqualTo(TransientProviderFailure.Kind.ANSWER_LOST));

        SimulatedProvider retrying = restarted();
        ProviderCapture capture = retrying.capture("capture:pay-1", reference, TEN);

        assertThat(capture.authorization()).isEqualTo(reference);
        assertThat(retrying.entries())
                .extracting(Entry::kind, Entry::idempotencyKey)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Kind.AUTHORIZATION, "auth:pay-1"),
                        org.assertj.core.groups.Tuple.tuple(Kind.CAPTURE, "capture:pay-1"));
        assertThat(retrying.capture("capture:pay-1", reference, TEN)).isEqualTo(capture);
    }

    @Test
    void two_providers_on_one_store_racing_on_the_same_keys_act_once_per_key() throws Exception {
        // Real latency, so the racing calls overlap; each provider has its own view of the store.
        var settings = SimulatedProviderSettings.DETERMINISTIC.withLatency(Duration.ofMillis(1), Duration.ofMillis(3));
        List<SimulatedProvider> providers = List.of(
                new SimulatedProvider(store(), settings, clock, Sleeper.REAL),
                new SimulatedProvider(sameStoreElsewhere(), settings, clock, Sleeper.REAL));
        int payments = 6;
        int callers = 8;
        List<Callable<String>> calls = new ArrayList<>();
        for (int caller = 0; caller < callers; caller++) {
            SimulatedProvider provider = providers.get(caller % 2);
            for (int p = 0; p < payments; p++) {
                String id = "pay-" + p;
                calls.add(() -> {
                    String reference = approved(provider.authorize("auth:" + id, TEN, VISA, payment(id)));
                    provider.capture("capture:" + id, reference, TEN);
                    return reference;
                });
            }
        }

        List<String> references = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
            for (Future<String> f : pool.invokeAll(calls, 30, TimeUnit.SECONDS)) {
                references.add(f.get());
            }
        }

        assertThat(references.stream().distinct().count())
                .as("every caller of a key got its one answer")
                .isEqualTo(payments);
        for (int p = 0; p < payments; p++) {
            assertThat(providers.get(p % 2).entries(PaymentId.of("pay-" + p)))
                    .extracting(Entry::kind)
                    .as("pay-%d", p)
                    .containsExactly(Kind.AUTHORIZATION, Kind.CAPTURE);
        }
        assertThat(providers.get(0).entries()).hasSize(2 * payments);
    }

    @Test
    void retention_forgets_only_answers_older_than_the_window_and_keeps_the_ledger_and_the_holds() {
        SimulatedProvider provider = provider();
        var old = provider.authorize("auth:pay-1", TEN, VISA, payment("pay-1"));
        provider.capture("capture:pay-1", old.reference(), TEN);
        clock.advance(Duration.ofDays(3));
        var recent = provider.authorize("auth:pay-2", TEN, VISA, payment("pay-2"));
        clock.advance(Duration.ofDays(5));

        assertThat(provider.forgetAnswersOlderThan(Duration.ofDays(7))).isEqualTo(2);
        assertThat(provider.forgetAnswersOlderThan(Duration.ofDays(7)))
                .as("nothing left to forget")
                .isZero();

        assertThat(provider.authorize("auth:pay-2", TEN, VISA, payment("pay-2")))
                .as("a recent answer is kept")
                .isEqualTo(recent);
        assertThatThrownBy(() -> provider.capture("capture:pay-1", old.reference(), TEN))
                .as("a forgotten capture is still refused by the authorization's state")
                .isInstanceOfSatisfying(
                        ProviderRefused.class, e -> assertThat(e.code()).isEqualTo("already-captured"));
        assertThat(provider.entries())
                .extracting(Entry::kind, Entry::payment)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Kind.AUTHORIZATION, "pay-1"),
                        org.assertj.core.groups.Tuple.tuple(Kind.CAPTURE, "pay-1"),
                        org.assertj.core.groups.Tuple.tuple(Kind.AUTHORIZATION, "pay-2"));
        assertThatThrownBy(() -> provider.forgetAnswersOlderThan(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void an_authorization_key_whose_answer_was_forgotten_acts_anew_and_a_void_by_it_releases_the_newest() {
        SimulatedProvider provider = provider();
        String first = approved(provider.authorize("auth:pay-1", TEN, VISA, payment("pay-1")));
        clock.advance(Duration.ofDays(8));
        provider.forgetAnswersOlderThan(Duration.ofDays(7));

        String second = approved(provider.authorize("auth:pay-1", TEN, VISA, payment("pay-1")));
        ProviderVoid released =
                provider.voidByAuthorizationKey("void:pay-1", "auth:pay-1").orElseThrow();

        assertThat(second).as("past retention a key is new again").isNotEqualTo(first);
        assertThat(released.authorization()).isEqualTo(second);
    }

    @Test
    void the_ledger_reads_in_pages_and_totals_each_kind_per_currency() {
        SimulatedProvider provider = provider();
        for (int i = 0; i < 5; i++) {
            provider.authorize(
                    "auth:pay-" + i, Money.of(i + ".50", i % 2 == 0 ? "EUR" : "USD"), VISA, payment("pay-" + i));
        }
        String reference = provider.entries(PaymentId.of("pay-0")).getFirst().reference();
        provider.capture("capture:pay-0", reference, Money.of("0.50", "EUR"));

        var first = provider.entries(0, 4);
        var rest = provider.entries(first.next().orElseThrow(), 4);

        assertThat(first.entries()).hasSize(4);
        assertThat(rest.next()).isEmpty();
        assertThat(List.of(first.entries(), rest.entries()))
                .flatMap(page -> page)
                .isEqualTo(provider.entries());
        assertThat(provider.totals())
                .containsExactly(
                        new SimulatedProvider.LedgerTotal(Kind.AUTHORIZATION, "EUR", 3, new BigDecimal("7.50")),
                        new SimulatedProvider.LedgerTotal(Kind.AUTHORIZATION, "USD", 2, new BigDecimal("5.00")),
                        new SimulatedProvider.LedgerTotal(Kind.CAPTURE, "EUR", 1, new BigDecimal("0.50")));
    }
}
