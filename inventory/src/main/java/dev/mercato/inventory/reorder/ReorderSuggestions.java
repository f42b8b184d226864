package dev.mercato.inventory.reorder;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.consume.ViewRuntime;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads of the reorder view: one merchant's suggestions in SKU order, open ones unless asked otherwise. */
public final class ReorderSuggestions {

    private final ViewRuntime runtime;
    private final String view;

    public ReorderSuggestions(ViewRuntime runtime) {
        this(runtime, ReorderView.NAME);
    }

    public ReorderSuggestions(ViewRuntime runtime, String view) {
        this.runtime = runtime;
        this.view = view;
    }

    public enum Status {
        OPEN,
        CLOSED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record Suggestion(
            String sku,
            String status,
            int available,
            int threshold,
            int onHand,
            int suggestedQuantity,
            long stockVersion,
            Instant openedAt,
            Instant updatedAt,
            Instant closedAt) {}

    /** The merchant's suggestions in {@code status} (every status when empty), after {@code afterSku}. */
    public List<Suggestion> of(MerchantId merchant, Optional<Status> status, Optional<String> afterSku, int limit) {
        return runtime.read(view, (jdbc, g) -> {
            List<Object> params = new ArrayList<>(List.of(merchant.value()));
            StringBuilder where = new StringBuilder(" WHERE merchant_id = ?");
            status.ifPresent(s -> {
                where.append(" AND status = ?");
                params.add(s.wire());
            });
            afterSku.ifPresent(sku -> {
                where.append(" AND sku > ?");
                params.add(sku);
            });
            params.add(limit);
            return jdbc.sql("SELECT sku, status, available, threshold, on_hand, suggested_quantity, stock_version,"
                            + " opened_at, updated_at, closed_at FROM " + g.table("suggestions") + where
                            + " ORDER BY sku LIMIT ?")
                    .params(params)
                    .query((rs, i) -> new Suggestion(
                            rs.getString("sku"),
                            rs.getString("status"),
                            rs.getInt("available"),
                            rs.getInt("threshold"),
                            rs.getInt("on_hand"),
                            rs.getInt("suggested_quantity"),
                            rs.getLong("stock_version"),
                            rs.getTimestamp("opened_at").toInstant(),
                            rs.getTimestamp("updated_at").toInstant(),
                            Optional.ofNullable(rs.getTimestamp("closed_at"))
                                    .map(Timestamp::toInstant)
                                    .orElse(null)))
                    .list();
        });
    }
}
