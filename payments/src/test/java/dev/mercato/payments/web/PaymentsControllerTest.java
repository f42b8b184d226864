package dev.mercato.payments.web;

import static dev.mercato.payments.Authorizations.anAuthorization;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.payments.Authorization;
import dev.mercato.payments.CapturedTotal;
import dev.mercato.payments.PaymentId;
import dev.mercato.payments.PaymentIntent;
import dev.mercato.payments.Payments;
import dev.mercato.payments.provider.ProviderStore;
import dev.mercato.payments.provider.SimulatedProvider;
import dev.mercato.payments.provider.SimulatedProviderSettings;
import dev.mercato.plane.Forbidden;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
import dev.mercato.plane.web.MoneyJson;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class PaymentsControllerTest {

    static final Caller ADMIN = Caller.of("root", Role.ADMIN, null);
    static final Caller ACME = Caller.of("m-1", Role.MERCHANT, MerchantId.of("acme"));
    static final Caller GLOBEX = Caller.of("m-2", Role.MERCHANT, MerchantId.of("globex"));
    static final Caller CUSTOMER = Caller.of("cus-1", Role.CUSTOMER, null);

    /** Payments as the controller needs them: recorded intents, found by id. */
    static final class RecordedPayments implements Payments {
        final Map<PaymentId, PaymentIntent> intents = new ConcurrentHashMap<>();

        PaymentIntent add(Authorization a, PaymentIntent.Status status) {
            Instant at = Instant.parse("2025-03-01T10:00:00Z");
            var intent = new PaymentIntent(
                    a.id(),
                    a.merchant(),
                    a.customer(),
                    a.amount(),
                    status,
                    Optional.of("au_1"),
                    Optional.empty(),
                    at,
                    at);
            intents.put(a.id(), intent);
            return intent;
        }

        @Override
        public PaymentIntent authorize(Authorization request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PaymentIntent capture(PaymentId id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<PaymentIntent> voidAuthorization(PaymentId id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PaymentIntent refund(PaymentId id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<PaymentIntent> find(PaymentId id) {
            return Optional.ofNullable(intents.get(id));
        }

        @Override
        public Optional<dev.mercato.plane.events.ConsistencyToken> latestEvent(PaymentId id) {
            return Optional.empty();
        }

        @Override
        public List<CapturedTotal> capturedTotals(LocalDate from, LocalDate to) {
            return List.of();
        }
    }

    final RecordedPayments payments = new RecordedPayments();
    final SimulatedProvider provider = new SimulatedProvider(
            ProviderStore.inMemory(), SimulatedProviderSettings.DETERMINISTIC, Clock.systemUTC(), d -> {});
    final PaymentsController controller = new PaymentsController(payments, provider);

    @Test
    void an_admin_and_the_payments_own_merchant_read_it_and_anyone_else_finds_nothing() {
        payments.add(anAuthorization().id("pay-1").merchant("acme").build(), PaymentIntent.Status.CAPTURED);

        var json = controller.payment("pay-1", ACME);
        assertThat(json.status()).isEqualTo("captured");
        assertThat(json.amount()).isEqualTo(new MoneyJson("25.00", "EUR"));
        assertThat(json.providerReference()).isEqualTo("au_1");
        assertThat(controller.payment("pay-1", ADMIN)).isEqualTo(json);
        for (Caller stranger : List.of(GLOBEX, CUSTOMER, Caller.ANONYMOUS)) {
            assertThatThrownBy(() -> controller.payment("pay-1", stranger))
                    .as("%s", stranger)
                    .isInstanceOf(NotFound.class)
                    .hasMessageContaining("pay-1");
        }
        assertThatThrownBy(() -> controller.payment("pay-missing", ADMIN)).isInstanceOf(NotFound.class);
    }

    @Test
    void a_malformed_payment_id_is_invalid_input_naming_the_field() {
        for (String bad : List.of("ab", "has space", "x".repeat(81), "semi;colon")) {
            assertThatThrownBy(() -> controller.payment(bad, ADMIN))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            InvalidInput.class, e -> assertThat(e.field()).isEqualTo("paymentId"));
        }
    }

    @Test
    void the_ledger_is_for_admins_only_and_totals_each_kind_per_currency() {
        var visa = anAuthorization().build().method();
        String first = provider.authorize("auth:p-1", Money.of("10.00", "EUR"), visa, Map.of("payment", "p-1"))
                .reference();
        provider.authorize("auth:p-2", Money.of("25.50", "EUR"), visa, Map.of("payment", "p-2"));
        provider.authorize("auth:p-3", Money.of("5.00", "USD"), visa, Map.of("payment", "p-3"));
        provider.capture("capture:p-1", first, Money.of("10.00", "EUR"));

        var ledger = controller.ledger(100, null, ADMIN);

        assertThat(ledger.items())
                .extracting(PaymentsController.EntryJson::kind, PaymentsController.EntryJson::payment)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("authorization", "p-1"),
                        org.assertj.core.groups.Tuple.tuple("authorization", "p-2"),
                        org.assertj.core.groups.Tuple.tuple("authorization", "p-3"),
                        org.assertj.core.groups.Tuple.tuple("capture", "p-1"));
        assertThat(ledger.totals())
                .containsExactly(
                        Map.entry(
                                "authorization",
                                new PaymentsController.TotalJson(
                                        3, List.of(new MoneyJson("35.50", "EUR"), new MoneyJson("5.00", "USD")))),
                        Map.entry(
                                "capture", new PaymentsController.TotalJson(1, List.of(new MoneyJson("10.00", "EUR")))),
                        Map.entry("void", new PaymentsController.TotalJson(0, List.of())),
                        Map.entry("refund", new PaymentsController.TotalJson(0, List.of())));
        assertThat(ledger.next()).isNull();
        for (Caller notAdmin : List.of(ACME, CUSTOMER, Caller.ANONYMOUS)) {
            assertThatThrownBy(() -> controller.ledger(100, null, notAdmin)).isInstanceOf(Forbidden.class);
        }
    }

    @Test
    void the_ledger_pages_with_an_opaque_cursor_and_refuses_one_it_did_not_give() {
        var visa = anAuthorization().build().method();
        for (int i = 0; i < 5; i++) {
            provider.authorize("auth:p-" + i, Money.of("1.00", "EUR"), visa, Map.of("payment", "p-" + i));
        }

        var first = controller.ledger(2, null, ADMIN);
        var second = controller.ledger(2, first.next(), ADMIN);
        var last = controller.ledger(2, second.next(), ADMIN);

        assertThat(List.of(first.items(), second.items(), last.items()))
                .flatMap(page ->
                        page.stream().map(PaymentsController.EntryJson::payment).toList())
                .containsExactly("p-0", "p-1", "p-2", "p-3", "p-4");
        assertThat(last.next()).isNull();
        assertThat(last.totals().get("authorization").count())
                .as("totals cover the whole ledger")
                .isEqualTo(5);
        assertThatThrownBy(() -> controller.ledger(2, "not a cursor!", ADMIN)).isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> controller.ledger(0, null, ADMIN))
                .isInstanceOfSatisfying(
                        InvalidInput.class, e -> assertThat(e.field()).isEqualTo("limit"));
    }
}
