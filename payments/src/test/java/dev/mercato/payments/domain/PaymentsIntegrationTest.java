package dev.mercato.payments.domain;

import static dev.mercato.payments.Authorizations.anAuthorization;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mercato.payments.Authorization;
import dev.mercato.payments.CapturedTotal;
import dev.mercato.payments.PaymentId;
import dev.mercato.payments.PaymentIntent;
import dev.mercato.payments.PaymentIntent.Status;
import dev.mercato.payments.PaymentUnavailable;
import dev.mercato.payments.ProviderLedger.Entry;
import dev.mercato.payments.ProviderLedger.Kind;
import dev.mercato.payments.events.PaymentAuthorized;
import dev.mercato.payments.events.PaymentCaptured;
import dev.mercato.payments.events.PaymentDeclined;
import dev.mercato.payments.events.PaymentRefunded;
import dev.mercato.payments.events.PaymentVoided;
import dev.mercato.payments.provider.Faults;
import dev.mercato.payments.provider.Faults.Fault;
import dev.mercato.payments.provider.PaymentProvider;
import dev.mercato.payments.provider.ProviderStore;
import dev.mercato.payments.provider.SimulatedProvider;
import dev.mercato.payments.provider.SimulatedProviderSettings;
import dev.mercato.payments.provider.Sleeper;
import dev.mercato.payments.store.JdbcPaymentIntents;
import dev.mercato.plane.Conflict;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.events.schema.EventSchemas;
import dev.mercato.plane.events.schema.PayloadValidator;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import dev.mercato.plane.testing.SharedPostgres;
import dev.mercato.plane.web.MoneyJson;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import tools.jackson.databind.JsonNode;

class PaymentsIntegrationTest {

    static final RetryPolicy NO_WAIT = new RetryPolicy(4, Duration.ZERO, Duration.ZERO);
    static final Sleeper NO_SLEEP = d -> {};

    PostgresStores stores;
    CapabilityStore store;
    JdbcPaymentIntents intents;

    /** What the network does to provider calls; tests switch it (the provider is down, then back). */
    final AtomicReference<Faults> network = new AtomicReference<>(Faults.NONE);

    SimulatedProvider provider;
    CountingProvider counted;
    PaymentsService payments;

    @BeforeEach
    void open() {
        stores = SharedPostgres.freshStores();
        store = stores.open("payments");
        stores.migrate(store, "classpath:db/plane/outbox", "plane_outbox_history");
        intents = new JdbcPaymentIntents(store, new Outbox(store, Clock.systemUTC()));
        provider = new SimulatedProvider(
                ProviderStore.onPostgres(stores),
                SimulatedProviderSettings.DETERMINISTIC,
                Clock.systemUTC(),
                NO_SLEEP,
                (operation, key) -> network.get().next(operation, key));
        counted = new CountingProvider(provider);
        payments = paymentsOver(counted);
    }

    @AfterEach
    void close() {
        stores.close();
    }

    /** Another payments instance on the same store and provider, as a second platform process would be. */
    PaymentsService paymentsOver(PaymentProvider p) {
        return new PaymentsService(intents, p, NO_WAIT, NO_SLEEP, Clock.systemUTC());
    }

    record Recorded(EventType type, String aggregate, JsonNode payload) {
        <T> T as(Class<T> type) {
            return EventJson.read(payload.toString(), type);
        }
    }

    /** The outbox, in order, each payload checked against its published schema. */
    List<Recorded> events() {
        return store
                .jdbc()
                .sql("SELECT type, aggregate_id, payload FROM outbox ORDER BY position")
                .query((rs, i) -> new Recorded(
                        EventType.parse(rs.getString(1)), rs.getString(2), EventJson.tree(rs.getString(3))))
                .list()
                .stream()
                .peek(e -> assertThat(PayloadValidator.violations(EventSchemas.load(e.type()), e.payload()))
                        .as("payload of %s matches its published schema", e.type())
                        .isEmpty())
                .toList();
    }

    List<EventType> eventTypes(String payment) {
        return events().stream()
                .filter(e -> e.aggregate().equals(payment))
                .map(Recorded::type)
                .toList();
    }

    List<Kind> ledgerKinds(String payment) {
        return provider.entries(PaymentId.of(payment)).stream().map(Entry::kind).toList();
    }

    long rows() {
        return store.jdbc()
                .sql("SELECT count(*) FROM payment_intents")
                .query(Long.class)
                .single();
    }

    static PaymentId id(String value) {
        return PaymentId.of(value);
    }

    @Test
    void authorizing_capturing_and_refunding_walks_a_payment_through_its_states_with_one_event_each() {
        Authorization request = anAuthorization().id("pay-1").amount("25.00").build();

        PaymentIntent authorized = payments.authorize(request);
        PaymentIntent captured = payments.capture(id("pay-1"));
        PaymentIntent refunded = payments.refund(id("pay-1"));

        assertThat(authorized.status()).isEqualTo(Status.AUTHORIZED);
        assertThat(captured.status()).isEqualTo(Status.CAPTURED);
        assertThat(refunded.status()).isEqualTo(Status.REFUNDED);
        assertThat(payments.find(id("pay-1"))).contains(refunded);
        String reference = authorized.providerReference().orElseThrow();
        assertThat(refunded.providerReference()).contains(reference);

        List<Recorded> events = events();
        assertThat(events)
                .extracting(Recorded::type)
                .containsExactly(PaymentAuthorized.TYPE, PaymentCaptured.TYPE, PaymentRefunded.TYPE);
        assertThat(events).extracting(Recorded::aggregate).containsOnly("pay-1");
        MoneyJson amount = new MoneyJson("25.00", "EUR");
        assertThat(events.get(0).as(PaymentAuthorized.class))
                .isEqualTo(new PaymentAuthorized("pay-1", "acme", "cus-1", amount, reference, authorized.updatedAt()));
        assertThat(events.get(1).as(PaymentCaptured.class))
                .isEqualTo(new PaymentCaptured("pay-1", "acme", "cus-1", amount, reference, captured.updatedAt()));
        assertThat(events.get(2).as(PaymentRefunded.class))
                .isEqualTo(new PaymentRefunded("pay-1", "acme", "cus-1", amount, reference, refunded.updatedAt()));

        assertThat(provider.entries(id("pay-1")))
                .extracting(Entry::kind, Entry::amount, Entry::reference)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Kind.AUTHORIZATION, Money.of("25.00", "EUR"), reference),
                        org.assertj.core.groups.Tuple.tuple(Kind.CAPTURE, Money.of("25.00", "EUR"), reference),
                        org.assertj.core.groups.Tuple.tuple(Kind.REFUND, Money.of("25.00", "EUR"), reference));
    }

    @Test
    void captured_totals_count_per_merchant_and_day_the_payments_captured_or_refunded_since() {
        payments.authorize(anAuthorization().id("pay-1").amount("25.00").build());
        payments.capture(id("pay-1"));
        payments.authorize(anAuthorization().id("pay-2").amount("10.50").build());
        payments.capture(id("pay-2"));
        payments.refund(id("pay-2"));
        payments.authorize(anAuthorization().id("pay-3").amount("99.00").build());
        payments.voidAuthorization(id("pay-3"));
        payments.authorize(anAuthorization().id("pay-4").amount("7.00").build());
        payments.authorize(
                anAuthorization().id("pay-5").merchant("other").amount("3.00").build());
        payments.capture(id("pay-5"));

        LocalDate today = LocalDate.now(java.time.ZoneOffset.UTC);
        assertThat(payments.capturedTotals(today.minusDays(1), today.plusDays(1)))
                .extracting(
                        t -> t.merchant().value(),
                        CapturedTotal::date,
                        CapturedTotal::payments,
                        t -> t.captured().stripTrailingZeros().toPlainString())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("acme", today, 2L, "35.5"),
                        org.assertj.core.groups.Tuple.tuple("other", today, 1L, "3"));
        assertThat(payments.capturedTotals(today.minusDays(3), today.minusDays(1)))
                .isEmpty();
    }

    @Test
    void authorizing_then_voiding_releases_the_hold_with_its_event() {
        PaymentIntent authorized =
                payments.authorize(anAuthorization().id("pay-1").build());

        Optional<PaymentIntent> voided = payments.voidAuthorization(id("pay-1"));

        assertThat(voided).hasValueSatisfying(v -> assertThat(v.status()).isEqualTo(Status.VOIDED));
        assertThat(events()).extracting(Recorded::type).containsExactly(PaymentAuthorized.TYPE, PaymentVoided.TYPE);
        assertThat(events().get(1).as(PaymentVoided.class).providerReference())
                .isEqualTo(authorized.providerReference().orElseThrow());
        assertThat(ledgerKinds("pay-1")).containsExactly(Kind.AUTHORIZATION, Kind.VOID);
    }

    @Test
    void a_declined_card_is_recorded_declined_with_its_reason_and_holds_nothing_to_void() {
        PaymentIntent declined = payments.authorize(
                anAuthorization().id("pay-1").token("tok_insufficient_funds").build());

        assertThat(declined.status()).isEqualTo(Status.DECLINED);
        assertThat(declined.declineReason()).contains("insufficient-funds");
        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(PaymentDeclined.TYPE);
            assertThat(e.as(PaymentDeclined.class).reason()).isEqualTo("insufficient-funds");
        });

        assertThat(payments.voidAuthorization(id("pay-1"))).contains(declined);
        assertThat(events()).hasSize(1);
        assertThat(provider.entries()).isEmpty();
    }

    @Test
    void repeating_each_operation_returns_the_recorded_intent_without_calling_the_provider_again() {
        Authorization request = anAuthorization().id("pay-1").build();
        PaymentIntent authorized = payments.authorize(request);
        assertThat(payments.authorize(request)).isEqualTo(authorized);
        PaymentIntent captured = payments.capture(id("pay-1"));
        assertThat(payments.capture(id("pay-1"))).isEqualTo(captured);
        PaymentIntent refunded = payments.refund(id("pay-1"));
        assertThat(payments.refund(id("pay-1"))).isEqualTo(refunded);
        assertThat(payments.capture(id("pay-1")))
                .as("a capture that happened already")
                .isEqualTo(refunded);

        assertThat(List.of(counted.calls("authorize"), counted.calls("capture"), counted.calls("refund")))
                .containsExactly(1L, 1L, 1L);
        assertThat(events()).hasSize(3);
        assertThat(ledgerKinds("pay-1")).containsExactly(Kind.AUTHORIZATION, Kind.CAPTURE, Kind.REFUND);
    }

    @Test
    void fifty_concurrent_authorizations_of_one_payment_authorize_it_once() throws Exception {
        Authorization request = anAuthorization().id("pay-1").build();

        List<PaymentIntent> answers = concurrently(50, i -> () -> payments.authorize(request));

        assertThat(answers).hasSize(50).containsOnly(answers.getFirst());
        assertThat(ledgerKinds("pay-1")).containsExactly(Kind.AUTHORIZATION);
        assertThat(counted.calls("authorize"))
                .as("the others read what the first recorded")
                .isEqualTo(1);
        assertThat(rows()).isEqualTo(1);
        assertThat(events()).extracting(Recorded::type).containsExactly(PaymentAuthorized.TYPE);
    }

    @Test
    void two_processes_authorizing_and_capturing_one_payment_at_once_move_its_money_once() throws Exception {
        // Each instance serialises only its own requests: across them, the provider's keys and the
        // conditional writes are what keep one authorization, one capture, one event each. Each instance has
        // its own provider client over the provider's one store, as two processes would.
        SimulatedProvider otherProvider = new SimulatedProvider(
                ProviderStore.onPostgres(stores), SimulatedProviderSettings.DETERMINISTIC, Clock.systemUTC(), NO_SLEEP);
        List<PaymentsService> instances = List.of(paymentsOver(provider), paymentsOver(otherProvider));
        Authorization request = anAuthorization().id("pay-1").build();

        List<PaymentIntent> authorized =
                concurrently(20, i -> () -> instances.get(i % 2).authorize(request));
        List<PaymentIntent> captured =
                concurrently(20, i -> () -> instances.get(i % 2).capture(id("pay-1")));

        assertThat(authorized).extracting(PaymentIntent::status).containsOnly(Status.AUTHORIZED);
        assertThat(captured).extracting(PaymentIntent::status).containsOnly(Status.CAPTURED);
        assertThat(ledgerKinds("pay-1")).containsExactly(Kind.AUTHORIZATION, Kind.CAPTURE);
        assertThat(eventTypes("pay-1")).containsExactly(PaymentAuthorized.TYPE, PaymentCaptured.TYPE);
    }

    @Test
    void with_half_of_provider_calls_failing_every_payment_is_authorized_once_and_no_money_moves_twice()
            throws Exception {
        network.set(Faults.atRate(0.5, new Random(42)));
        int count = 80;
        // A checkout that tries once: half of its authorizations end unavailable, some of them after acting.
        PaymentsService impatient = new PaymentsService(
                intents, counted, new RetryPolicy(1, Duration.ZERO, Duration.ZERO), NO_SLEEP, Clock.systemUTC());

        // Each payment goes as checkout would take it, retrying what was unavailable with the same id. One in
        // four gives up on an unavailable authorization and compensates with a void instead.
        List<String> outcomes = concurrently(count, i -> () -> {
            PaymentId id = id("pay-" + i);
            Authorization request =
                    anAuthorization().id(id.value()).amount((10 + i) + ".00").build();
            try {
                (i % 4 == 0 ? impatient : payments).authorize(request);
            } catch (PaymentUnavailable e) {
                if (i % 4 == 0) {
                    return untilAnswered(() -> payments.voidAuthorization(id))
                            .map(v -> "compensated")
                            .orElse("never-authorized");
                }
                untilAnswered(() -> payments.authorize(request));
            }
            switch (i % 3) {
                case 0 -> {
                    untilAnswered(() -> payments.capture(id));
                    untilAnswered(() -> payments.refund(id));
                }
                case 1 -> untilAnswered(() -> payments.capture(id));
                default -> untilAnswered(() -> payments.voidAuthorization(id));
            }
            return "done";
        });

        assertThat(provider.faultsInjected().get(Fault.ANSWER_LOST))
                .as("answers were lost")
                .isGreaterThan(10);
        assertThat(provider.faultsInjected().get(Fault.REQUEST_FAILED))
                .as("requests failed")
                .isGreaterThan(10);
        assertThat(outcomes).contains("done").containsAnyOf("compensated", "never-authorized");

        Map<String, List<Entry>> ledger = provider.entries().stream().collect(Collectors.groupingBy(Entry::payment));
        for (int i = 0; i < count; i++) {
            String payment = "pay-" + i;
            List<Entry> moves = ledger.getOrDefault(payment, List.of());
            List<Kind> kinds = moves.stream().map(Entry::kind).toList();
            Optional<PaymentIntent> intent = payments.find(id(payment));

            assertThat(kinds.stream().filter(k -> k == Kind.AUTHORIZATION).count())
                    .as("%s is authorized at most once", payment)
                    .isLessThanOrEqualTo(1);
            assertThat(kinds).as("%s moves money once per kind", payment).doesNotHaveDuplicates();
            assertThat(kinds.containsAll(List.of(Kind.CAPTURE, Kind.VOID)))
                    .as("%s is not both captured and voided", payment)
                    .isFalse();
            Money authorized = Money.of((10 + i) + ".00", "EUR");
            assertThat(moves)
                    .as("%s never moves more than it authorized", payment)
                    .allSatisfy(e -> assertThat(e.amount()).isEqualTo(authorized));

            Set<Kind> expected = intent.map(p -> switch (p.status()) {
                        case AUTHORIZED -> EnumSet.of(Kind.AUTHORIZATION);
                        case CAPTURED -> EnumSet.of(Kind.AUTHORIZATION, Kind.CAPTURE);
                        case VOIDED -> EnumSet.of(Kind.AUTHORIZATION, Kind.VOID);
                        case REFUNDED -> EnumSet.of(Kind.AUTHORIZATION, Kind.CAPTURE, Kind.REFUND);
                        case DECLINED -> EnumSet.noneOf(Kind.class);
                    })
                    .orElse(EnumSet.noneOf(Kind.class));
            assertThat(kinds)
                    .as("%s: the provider's ledger agrees with %s", payment, intent)
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(kinds).as("%s moves money in order", payment).isSortedAccordingTo(Enum::compareTo);
            if (intent.isEmpty()) {
                assertThat(outcomes.get(i)).isEqualTo("never-authorized");
            } else {
                assertThat(eventTypes(payment)).hasSize(expected.size());
            }
        }
    }

    @Test
    void voiding_after_a_lost_authorization_answer_with_nothing_recorded_voids_at_the_provider() {
        network.set((operation, key) -> operation.equals("authorize") ? Fault.ANSWER_LOST : Fault.NONE);
        Authorization request = anAuthorization()
                .id("pay-1")
                .merchant("globex")
                .customer("cus-9")
                .amount("42.00")
                .build();

        assertThatThrownBy(() -> payments.authorize(request)).isInstanceOf(PaymentUnavailable.class);
        assertThat(payments.find(id("pay-1"))).isEmpty();
        assertThat(ledgerKinds("pay-1")).as("the provider did authorize").containsExactly(Kind.AUTHORIZATION);

        PaymentIntent voided = payments.voidAuthorization(id("pay-1")).orElseThrow();

        String reference = provider.entries(id("pay-1")).getFirst().reference();
        assertThat(voided.status()).isEqualTo(Status.VOIDED);
        assertThat(voided.merchant()).isEqualTo(MerchantId.of("globex"));
        assertThat(voided.customer()).isEqualTo("cus-9");
        assertThat(voided.amount()).isEqualTo(Money.of("42.00", "EUR"));
        assertThat(voided.providerReference()).contains(reference);
        assertThat(ledgerKinds("pay-1")).containsExactly(Kind.AUTHORIZATION, Kind.VOID);
        assertThat(events()).extracting(Recorded::type).containsExactly(PaymentAuthorized.TYPE, PaymentVoided.TYPE);

        // Asking again changes nothing; neither does a late retry of the authorization.
        assertThat(payments.voidAuthorization(id("pay-1"))).contains(voided);
        network.set(Faults.NONE);
        assertThat(payments.authorize(request)).isEqualTo(voided);
        assertThat(ledgerKinds("pay-1")).containsExactly(Kind.AUTHORIZATION, Kind.VOID);
        assertThat(events()).hasSize(2);
    }

    @Test
    void voiding_a_payment_nothing_was_authorized_for_answers_empty_and_records_nothing() {
        network.set((operation, key) -> operation.equals("authorize") ? Fault.REQUEST_FAILED : Fault.NONE);
        assertThatThrownBy(
                        () -> payments.authorize(anAuthorization().id("pay-1").build()))
                .isInstanceOf(PaymentUnavailable.class);

        assertThat(payments.voidAuthorization(id("pay-1"))).isEmpty();
        assertThat(payments.voidAuthorization(id("pay-never-seen"))).isEmpty();

        assertThat(counted.calls("void"))
                .as("the provider was asked both times")
                .isEqualTo(2);
        assertThat(rows()).isZero();
        assertThat(events()).isEmpty();
        assertThat(provider.entries()).isEmpty();
    }

    @Test
    void illegal_transitions_are_refused_naming_both_states_with_nothing_written() {
        payments.authorize(anAuthorization().id("pay-voided").build());
        payments.voidAuthorization(id("pay-voided"));
        payments.authorize(anAuthorization().id("pay-captured").build());
        payments.capture(id("pay-captured"));
        payments.authorize(anAuthorization().id("pay-authorized").build());
        payments.authorize(
                anAuthorization().id("pay-declined").token("tok_declined").build());
        List<Recorded> eventsBefore = events();
        List<Entry> ledgerBefore = provider.entries();
        List<Optional<PaymentIntent>> intentsBefore =
                List.of("pay-voided", "pay-captured", "pay-authorized", "pay-declined").stream()
                        .map(p -> payments.find(id(p)))
                        .toList();

        assertIllegal(() -> payments.capture(id("pay-voided")), "voided", "captured");
        assertIllegal(() -> payments.refund(id("pay-voided")), "voided", "refunded");
        assertIllegal(() -> payments.voidAuthorization(id("pay-captured")), "captured", "voided");
        assertIllegal(() -> payments.refund(id("pay-authorized")), "authorized", "refunded");
        assertIllegal(() -> payments.capture(id("pay-declined")), "declined", "captured");
        assertThatThrownBy(() -> payments.capture(id("pay-unknown"))).isInstanceOf(NotFound.class);

        assertThat(events()).isEqualTo(eventsBefore);
        assertThat(provider.entries()).isEqualTo(ledgerBefore);
        assertThat(List.of("pay-voided", "pay-captured", "pay-authorized", "pay-declined").stream()
                        .map(p -> payments.find(id(p)))
                        .toList())
                .isEqualTo(intentsBefore);
    }

    static void assertIllegal(Runnable call, String from, String to) {
        Conflict conflict = catchThrowableOfType(Conflict.class, call::run);
        assertThat(conflict).as("%s -> %s is refused", from, to).isNotNull();
        assertThat(conflict.type()).isEqualTo("illegal-payment-transition");
        assertThat(conflict.properties()).containsEntry("from", from).containsEntry("to", to);
    }

    @Test
    void a_provider_that_is_down_leaves_nothing_recorded_and_a_later_call_succeeds() {
        network.set(Faults.atRate(1.0, new Random(3)));
        Authorization request = anAuthorization().id("pay-1").build();

        PaymentUnavailable down = catchThrowableOfType(PaymentUnavailable.class, () -> payments.authorize(request));
        assertThat(down.type()).isEqualTo("payment-provider-unavailable");
        assertThat(down.retryAfter()).isPositive();
        assertThat(payments.find(id("pay-1"))).isEmpty();
        assertThat(events()).isEmpty();

        network.set(Faults.NONE);
        assertThat(payments.authorize(request).status()).isEqualTo(Status.AUTHORIZED);
        assertThat(ledgerKinds("pay-1"))
                .as("however many attempts acted before the answers were lost")
                .containsExactly(Kind.AUTHORIZATION);

        network.set(Faults.atRate(1.0, new Random(4)));
        assertThatThrownBy(() -> payments.capture(id("pay-1"))).isInstanceOf(PaymentUnavailable.class);
        assertThat(payments.find(id("pay-1")).orElseThrow().status()).isEqualTo(Status.AUTHORIZED);
        assertThat(events()).hasSize(1);

        network.set(Faults.NONE);
        assertThat(payments.capture(id("pay-1")).status()).isEqualTo(Status.CAPTURED);
        assertThat(ledgerKinds("pay-1")).containsExactly(Kind.AUTHORIZATION, Kind.CAPTURE);
        assertThat(events()).extracting(Recorded::type).containsExactly(PaymentAuthorized.TYPE, PaymentCaptured.TYPE);
    }

    @Test
    void reusing_a_payment_id_for_another_payment_is_refused() {
        payments.authorize(anAuthorization().id("pay-1").amount("10.00").build());
        assertThatThrownBy(() -> payments.authorize(
                        anAuthorization().id("pay-1").amount("11.00").build()))
                .isInstanceOfSatisfying(
                        Conflict.class, c -> assertThat(c.type()).isEqualTo("payment-id-reused"));

        // Also when only the provider knows the first one: its answer was lost, nothing was recorded.
        network.set((operation, key) -> operation.equals("authorize") ? Fault.ANSWER_LOST : Fault.NONE);
        assertThatThrownBy(() -> payments.authorize(
                        anAuthorization().id("pay-2").amount("10.00").build()))
                .isInstanceOf(PaymentUnavailable.class);
        network.set(Faults.NONE);
        assertThatThrownBy(() -> payments.authorize(
                        anAuthorization().id("pay-2").amount("11.00").build()))
                .isInstanceOfSatisfying(
                        Conflict.class, c -> assertThat(c.type()).isEqualTo("payment-id-reused"));

        assertThat(payments.find(id("pay-1")).orElseThrow().amount()).isEqualTo(Money.of("10.00", "EUR"));
        assertThat(payments.find(id("pay-2"))).isEmpty();
        assertThat(provider.entries()).hasSize(2);
    }

    @Test
    void the_database_refuses_rows_that_break_the_payment_rules() {
        String insert = "INSERT INTO payment_intents (payment_id, merchant_id, customer, amount, currency, status,"
                + " provider_reference, decline_reason, created_at, updated_at) VALUES (?, 'acme', 'c', ?, 'EUR', ?, ?, ?,"
                + " now(), now())";
        Object[][] broken = {
            {"p-zero", 0, "AUTHORIZED", "au_1", null},
            {"p-negative", -5, "AUTHORIZED", "au_1", null},
            {"p-unknown-status", 5, "PENDING", "au_1", null},
            {"p-declined-without-reason", 5, "DECLINED", null, null},
            {"p-authorized-with-reason", 5, "AUTHORIZED", "au_1", "card-declined"},
            {"p-held-without-reference", 5, "CAPTURED", null, null},
        };
        for (Object[] row : broken) {
            assertThatThrownBy(() -> store.jdbc().sql(insert).params(row).update())
                    .as("%s", row[0])
                    .isInstanceOf(DataIntegrityViolationException.class);
        }
        store.jdbc().sql(insert).params("p-ok", 5, "AUTHORIZED", "au_1", null).update();
        assertThatThrownBy(() -> store.jdbc()
                        .sql(insert)
                        .params("p-ok", 5, "AUTHORIZED", "au_2", null)
                        .update())
                .as("one row per payment id")
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    /** The caller's own retry of an unavailable payment, as checkout does: same id, again. */
    static <T> T untilAnswered(Supplier<T> call) {
        PaymentUnavailable last = null;
        for (int attempt = 0; attempt < 30; attempt++) {
            try {
                return call.get();
            } catch (PaymentUnavailable e) {
                last = e;
            }
        }
        throw last;
    }

    interface Task<T> {
        Callable<T> of(int index);
    }

    /** Runs {@code n} tasks released together, answers in task order; fails on any task's failure. */
    static <T> List<T> concurrently(int n, Task<T> task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, 16))) {
            for (int i = 0; i < n; i++) {
                Callable<T> call = task.of(i);
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<T> answers = new ArrayList<>();
            for (Future<T> f : futures) {
                answers.add(f.get(30, TimeUnit.SECONDS));
            }
            return answers;
        }
    }
}
