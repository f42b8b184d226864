package dev.mercato.payments.web;

import dev.mercato.payments.PaymentId;
import dev.mercato.payments.PaymentIntent;
import dev.mercato.payments.Payments;
import dev.mercato.payments.ProviderLedger;
import dev.mercato.payments.provider.SimulatedProvider;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.Money;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
import dev.mercato.plane.web.Cursor;
import dev.mercato.plane.web.MoneyJson;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Payment intents for their merchant and admins, and the simulated provider's ledger for admins. */
@RestController
@RequestMapping("/api/v1/payments")
@Tag(
        name = "Payments",
        description = "Payment intents for their merchant and admins, and the payment provider's ledger of money"
                + " movements for admins.")
class PaymentsController {

    static final int MAX_LIMIT = 1000;

    private final Payments payments;
    private final SimulatedProvider ledger;

    PaymentsController(Payments payments, SimulatedProvider ledger) {
        this.payments = payments;
        this.ledger = ledger;
    }

    record PaymentJson(
            String id,
            String merchant,
            String customer,
            MoneyJson amount,
            String status,
            String providerReference,
            String declineReason,
            Instant createdAt,
            Instant updatedAt) {

        static PaymentJson of(PaymentIntent p) {
            return new PaymentJson(
                    p.id().value(),
                    p.merchant().value(),
                    p.customer(),
                    MoneyJson.of(p.amount()),
                    p.status().name().toLowerCase(Locale.ROOT),
                    p.providerReference().orElse(null),
                    p.declineReason().orElse(null),
                    p.createdAt(),
                    p.updatedAt());
        }
    }

    record EntryJson(
            String idempotencyKey, String kind, String payment, String reference, MoneyJson amount, Instant at) {
        static EntryJson of(ProviderLedger.Entry e) {
            return new EntryJson(
                    e.idempotencyKey(), wire(e.kind()), e.payment(), e.reference(), MoneyJson.of(e.amount()), e.at());
        }
    }

    /** @param amounts the sum per currency, in currency order */
    record TotalJson(long count, List<MoneyJson> amounts) {}

    /** @param totals per kind, over the whole ledger (not only this page) */
    record LedgerJson(List<EntryJson> items, Map<String, TotalJson> totals, String next) {}

    /** Another merchant's payment does not exist for this caller: the same answer as a missing one. */
    @GetMapping("/{id}")
    @Operation(
            summary = "Get a payment",
            operationId = "getPayment",
            description = "The payment's merchant or an admin (its id is the order's); another merchant's answers 404.")
    @ApiResponse(responseCode = "200", description = "The payment intent")
    PaymentJson payment(@PathVariable String id, Caller caller) {
        PaymentId paymentId = PaymentId.of(id);
        return payments.find(paymentId)
                .filter(p -> caller.isAdmin()
                        || (caller.is(Role.MERCHANT)
                                && caller.merchant()
                                        .filter(p.merchant()::equals)
                                        .isPresent()))
                .map(PaymentJson::of)
                .orElseThrow(() -> new NotFound("payment", paymentId.value()));
    }

    /**
     * Every money movement the provider made, oldest first, a page at a time from its durable ledger: the
     * evidence that nothing was charged twice. The cursor is the position of the page's last entry.
     */
    @GetMapping("/ledger")
    @Operation(
            summary = "List the payment provider's ledger",
            operationId = "listPaymentLedger",
            description = "Admins only. Every money movement the provider made, oldest first, with totals per kind"
                    + " over the whole ledger: the evidence that nothing was charged twice.")
    @ApiResponse(
            responseCode = "200",
            description = "A page of ledger entries; next is the following page's cursor, absent on the last")
    LedgerJson ledger(
            @RequestParam(defaultValue = "100") int limit,
            @RequestParam(required = false) String cursor,
            Caller caller) {
        caller.requireRole(Role.ADMIN);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidInput("limit", "must be 1-" + MAX_LIMIT + ", got " + limit);
        }
        long from = cursor == null ? 0 : position(cursor);
        SimulatedProvider.LedgerPage page = ledger.entries(from, limit);
        String next = page.next().isPresent()
                ? Cursor.encode(Long.toString(page.next().getAsLong()))
                : null;
        return new LedgerJson(page.entries().stream().map(EntryJson::of).toList(), totals(ledger.totals()), next);
    }

    /** Every kind, those with no movement too, each with its sums in currency order (as the ledger gives them). */
    static Map<String, TotalJson> totals(List<SimulatedProvider.LedgerTotal> totals) {
        Map<String, TotalJson> byKind = new LinkedHashMap<>();
        for (ProviderLedger.Kind kind : ProviderLedger.Kind.values()) {
            List<SimulatedProvider.LedgerTotal> ofKind =
                    totals.stream().filter(t -> t.kind() == kind).toList();
            byKind.put(
                    wire(kind),
                    new TotalJson(
                            ofKind.stream()
                                    .mapToLong(SimulatedProvider.LedgerTotal::count)
                                    .sum(),
                            ofKind.stream()
                                    .map(t -> MoneyJson.of(new Money(t.amount(), t.currency())))
                                    .toList()));
        }
        return byKind;
    }

    private static long position(String cursor) {
        try {
            long position = Long.parseLong(Cursor.decode(cursor));
            if (position < 0) {
                throw new NumberFormatException();
            }
            return position;
        } catch (NumberFormatException e) {
            throw new InvalidInput("cursor", "is not a cursor this API returned");
        }
    }

    private static String wire(ProviderLedger.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
