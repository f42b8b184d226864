package dev.mercato.orders.history;

import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.web.MoneyJson;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import tools.jackson.core.type.TypeReference;

/** Reads of the account view: a customer's orders, newest first, each with its timeline. */
public final class OrderHistory {

    private final ViewRuntime runtime;

    public OrderHistory(ViewRuntime runtime) {
        this.runtime = runtime;
    }

    @Schema(name = "OrderHistoryEntry")
    public record Entry(
            String id,
            String merchant,
            String status,
            MoneyJson total,
            int itemCount,
            List<Map<String, Object>> lines,
            Instant placedAt,
            Instant updatedAt,
            List<Step> timeline) {}

    public record Step(String status, String reason, Instant at) {}

    public List<Entry> of(String customer, Optional<String> afterOrder, int limit) {
        return runtime.read(OrderHistoryView.NAME, (jdbc, g) -> {
            List<Entry> entries = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            var mapped = jdbc.sql("SELECT order_id, merchant_id, status, currency, total, item_count, lines, placed_at,"
                            + " updated_at FROM " + g.table("orders") + " WHERE customer_id = ?"
                            + (afterOrder.isPresent() ? " AND order_id < ?" : "") + " ORDER BY order_id DESC LIMIT ?")
                    .params(
                            afterOrder.isPresent()
                                    ? new Object[] {customer, afterOrder.get(), limit}
                                    : new Object[] {customer, limit})
                    .query((rs, i) -> {
                        String currency = rs.getString("currency");
                        int digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
                        ids.add(rs.getString("order_id"));
                        return new Entry(
                                rs.getString("order_id"),
                                rs.getString("merchant_id"),
                                rs.getString("status"),
                                new MoneyJson(
                                        rs.getBigDecimal("total")
                                                .setScale(digits, RoundingMode.HALF_EVEN)
                                                .toPlainString(),
                                        currency),
                                rs.getInt("item_count"),
                                EventJson.mapper()
                                        .readValue(
                                                rs.getString("lines"),
                                                new TypeReference<List<Map<String, Object>>>() {}),
                                rs.getTimestamp("placed_at").toInstant(),
                                rs.getTimestamp("updated_at").toInstant(),
                                List.of());
                    })
                    .list();
            if (mapped.isEmpty()) {
                return mapped;
            }
            Map<String, List<Step>> steps = jdbc
                    .sql("SELECT order_id, status, reason, at FROM " + g.table("timeline")
                            + " WHERE order_id = ANY(?) ORDER BY order_id, seq")
                    .param(ids.toArray(String[]::new))
                    .query((rs, i) -> Map.entry(
                            rs.getString(1),
                            new Step(
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getTimestamp(4).toInstant())))
                    .list()
                    .stream()
                    .collect(Collectors.groupingBy(
                            Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
            for (Entry e : mapped) {
                entries.add(new Entry(
                        e.id(),
                        e.merchant(),
                        e.status(),
                        e.total(),
                        e.itemCount(),
                        e.lines(),
                        e.placedAt(),
                        e.updatedAt(),
                        steps.getOrDefault(e.id(), List.of())));
            }
            return entries;
        });
    }
}
