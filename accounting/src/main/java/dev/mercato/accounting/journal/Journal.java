package dev.mercato.accounting.journal;

import dev.mercato.accounting.Books;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.plane.web.MoneyJson;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** Reads of the books: a merchant's journal in booking order, and its trial balance. */
public final class Journal implements Books {

    private final ViewRuntime runtime;
    private final String view;

    public Journal(ViewRuntime runtime) {
        this(runtime, JournalView.NAME);
    }

    public Journal(ViewRuntime runtime, String view) {
        this.runtime = runtime;
        this.view = view;
    }

    /** One booked entry: what caused it (the payment, its order, the event) and its balanced lines. */
    @Schema(name = "JournalEntry")
    public record Entry(
            String id,
            String kind,
            String orderId,
            String paymentId,
            String sourceEvent,
            String sourceType,
            Instant at,
            List<Line> lines) {}

    @Schema(name = "JournalLine")
    public record Line(String account, String side, MoneyJson amount) {}

    /** Debits, credits and their difference for one account in one currency. */
    public record AccountBalance(String account, String currency, String debit, String credit, String balance) {}

    /** Per currency, all debits against all credits: equal whenever the books are whole. */
    public record CurrencyTotal(String currency, String debit, String credit) {}

    public record TrialBalance(List<AccountBalance> accounts, List<CurrencyTotal> totals, boolean balanced) {}

    /** Where a page ends: the last entry's booking time and id, the order the journal is read in. */
    public record Position(Instant at, String entry) {
        public String encode() {
            return at + "|" + entry;
        }

        public static Position decode(String raw) {
            int bar = raw.indexOf('|');
            try {
                if (bar < 1) {
                    throw new DateTimeParseException("no position", raw, 0);
                }
                String entry = raw.substring(bar + 1);
                // Entry ids are event ids: anything else was not a cursor of ours.
                return new Position(
                        Instant.parse(raw.substring(0, bar)),
                        UUID.fromString(entry).toString());
            } catch (DateTimeParseException | IllegalArgumentException e) {
                throw new InvalidInput("cursor", "is not a cursor this API returned");
            }
        }
    }

    /** A merchant's entries, oldest first (a journal reads in the order it was booked), after {@code after}. */
    public List<Entry> entries(MerchantId merchant, Optional<Position> after, int limit) {
        return runtime.read(view, (jdbc, g) -> {
            List<Object> params = new ArrayList<>(List.of(merchant.value()));
            String page = "";
            if (after.isPresent()) {
                page = " AND (at, entry_id) > (?, ?)";
                params.add(Timestamp.from(after.get().at()));
                params.add(after.get().entry());
            }
            params.add(limit);
            List<Entry> heads = jdbc.sql("SELECT entry_id, kind, order_id, payment_id, source_event, source_type, at"
                            + " FROM " + g.table("entries") + " WHERE merchant_id = ?" + page
                            + " ORDER BY at, entry_id LIMIT ?")
                    .params(params)
                    .query((rs, i) -> new Entry(
                            rs.getString("entry_id"),
                            rs.getString("kind"),
                            rs.getString("order_id"),
                            rs.getString("payment_id"),
                            rs.getString("source_event"),
                            rs.getString("source_type"),
                            rs.getTimestamp("at").toInstant(),
                            List.of()))
                    .list();
            if (heads.isEmpty()) {
                return heads;
            }
            Map<String, List<Line>> lines = jdbc
                    .sql("SELECT entry_id, account, side, amount, currency FROM " + g.table("lines")
                            + " WHERE entry_id = ANY(?) ORDER BY entry_id, line_no")
                    .param(heads.stream().map(Entry::id).toArray(String[]::new))
                    .query((rs, i) -> Map.entry(
                            rs.getString("entry_id"),
                            new Line(
                                    rs.getString("account"),
                                    rs.getString("side"),
                                    money(rs.getBigDecimal("amount"), rs.getString("currency")))))
                    .list()
                    .stream()
                    .collect(Collectors.groupingBy(
                            Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
            return heads.stream()
                    .map(e -> new Entry(
                            e.id(),
                            e.kind(),
                            e.orderId(),
                            e.paymentId(),
                            e.sourceEvent(),
                            e.sourceType(),
                            e.at(),
                            lines.getOrDefault(e.id(), List.of())))
                    .toList();
        });
    }

    @Override
    public Map<String, List<String>> kindsByOrder(Collection<String> orderIds) {
        if (orderIds.isEmpty()) {
            return Map.of();
        }
        return runtime.read(
                view,
                (jdbc, g) -> jdbc
                        .sql("SELECT order_id, kind FROM " + g.table("entries")
                                + " WHERE order_id = ANY(?) ORDER BY order_id, at, entry_id")
                        .param(orderIds.stream().distinct().toArray(String[]::new))
                        .query((rs, i) -> Map.entry(rs.getString(1), rs.getString(2)))
                        .list()
                        .stream()
                        .collect(Collectors.groupingBy(
                                Map.Entry::getKey,
                                LinkedHashMap::new,
                                Collectors.mapping(Map.Entry::getValue, Collectors.toList()))));
    }

    /** Every account the merchant's entries touched, per currency, with per-currency totals. */
    public TrialBalance trialBalance(MerchantId merchant) {
        record Row(String account, String currency, BigDecimal debit, BigDecimal credit) {}
        List<Row> rows = runtime.read(
                view,
                (jdbc, g) -> jdbc.sql("SELECT account, currency,"
                                + " coalesce(sum(amount) FILTER (WHERE side = 'debit'), 0) AS debit,"
                                + " coalesce(sum(amount) FILTER (WHERE side = 'credit'), 0) AS credit"
                                + " FROM " + g.table("lines") + " WHERE merchant_id = ?"
                                + " GROUP BY account, currency ORDER BY currency, account")
                        .param(merchant.value())
                        .query((rs, i) -> new Row(
                                rs.getString("account"),
                                rs.getString("currency"),
                                rs.getBigDecimal("debit"),
                                rs.getBigDecimal("credit")))
                        .list());
        List<AccountBalance> accounts = new ArrayList<>();
        Map<String, BigDecimal[]> totals = new LinkedHashMap<>();
        for (Row r : rows) {
            accounts.add(new AccountBalance(
                    r.account(),
                    r.currency(),
                    amount(r.debit(), r.currency()),
                    amount(r.credit(), r.currency()),
                    amount(r.debit().subtract(r.credit()), r.currency())));
            BigDecimal[] t =
                    totals.computeIfAbsent(r.currency(), c -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
            t[0] = t[0].add(r.debit());
            t[1] = t[1].add(r.credit());
        }
        List<CurrencyTotal> perCurrency = new ArrayList<>();
        boolean balanced = true;
        for (var t : totals.entrySet()) {
            perCurrency.add(new CurrencyTotal(
                    t.getKey(), amount(t.getValue()[0], t.getKey()), amount(t.getValue()[1], t.getKey())));
            balanced &= t.getValue()[0].compareTo(t.getValue()[1]) == 0;
        }
        return new TrialBalance(accounts, perCurrency, balanced);
    }

    private static MoneyJson money(BigDecimal amount, String currency) {
        return new MoneyJson(amount(amount, currency), currency);
    }

    /** Exact: the currency's usual digits, more only if the amount has them (never rounded). */
    static String amount(BigDecimal amount, String currency) {
        int digits;
        try {
            digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        } catch (IllegalArgumentException e) {
            digits = 2;
        }
        int needed = Math.max(0, amount.stripTrailingZeros().scale());
        return amount.setScale(Math.max(digits, needed)).toPlainString();
    }
}
