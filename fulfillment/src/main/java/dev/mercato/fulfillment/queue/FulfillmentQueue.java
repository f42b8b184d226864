package dev.mercato.fulfillment.queue;

import dev.mercato.fulfillment.events.PickLine;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.plane.events.EventJson;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.type.TypeReference;

/** Reads of the fulfillment queue: a merchant's orders in chosen stages, oldest first (the queue's order). */
public final class FulfillmentQueue {

    /** What the queue shows unless asked otherwise: the orders still in the merchant's hands or on the road. */
    public static final List<String> OPEN = List.of("to-pick", "to-pack", "to-ship", "shipped");

    public static final Set<String> STAGES =
            Set.of("to-pick", "to-pack", "to-ship", "shipped", "delivered", "cancelled");

    private final ViewRuntime runtime;
    private final Clock clock;

    public FulfillmentQueue(ViewRuntime runtime, Clock clock) {
        this.runtime = runtime;
        this.clock = clock;
    }

    @Schema(name = "FulfillmentQueueEntry")
    public record Entry(
            String orderId,
            String merchant,
            String customer,
            String stage,
            int itemCount,
            List<PickLine> lines,
            Instant placedAt,
            Instant updatedAt,
            long ageSeconds,
            String carrier,
            String trackingNumber) {}

    /** The stages a {@code stage} parameter names: one stage, {@code open} or absent for the open ones. */
    public static List<String> stages(String stage) {
        if (stage == null || stage.isBlank() || stage.equals("open")) {
            return OPEN;
        }
        if (!STAGES.contains(stage)) {
            throw new InvalidInput(
                    "stage",
                    "must be open, to-pick, to-pack, to-ship, shipped, delivered or cancelled, got '" + stage + "'");
        }
        return List.of(stage);
    }

    /**
     * One page: orders of {@code merchant} (every merchant when empty) in {@code stages}, by order id (the
     * order they were placed in), after {@code afterOrder}.
     */
    public List<Entry> page(Optional<String> merchant, List<String> stages, Optional<String> afterOrder, int limit) {
        Instant now = clock.instant();
        return runtime.read(FulfillmentQueueView.NAME, (jdbc, g) -> {
            StringBuilder sql = new StringBuilder("SELECT q.order_id, q.merchant_id, q.customer_id, q.stage,"
                    + " q.item_count, q.lines, q.placed_at, q.updated_at, s.carrier, s.tracking_number FROM "
                    + g.table("queue") + " q LEFT JOIN " + g.table("shipment") + " s ON s.order_id = q.order_id"
                    + " WHERE q.stage = ANY(?)");
            List<Object> params = new ArrayList<>();
            params.add(stages.toArray(String[]::new));
            merchant.ifPresent(m -> {
                sql.append(" AND q.merchant_id = ?");
                params.add(m);
            });
            afterOrder.ifPresent(a -> {
                sql.append(" AND q.order_id > ?");
                params.add(a);
            });
            sql.append(" ORDER BY q.order_id LIMIT ?");
            params.add(limit);
            return jdbc.sql(sql.toString())
                    .params(params)
                    .query((rs, i) -> {
                        Instant placed = rs.getTimestamp("placed_at").toInstant();
                        return new Entry(
                                rs.getString("order_id"),
                                rs.getString("merchant_id"),
                                rs.getString("customer_id"),
                                rs.getString("stage"),
                                rs.getInt("item_count"),
                                EventJson.mapper()
                                        .readValue(rs.getString("lines"), new TypeReference<List<PickLine>>() {}),
                                placed,
                                rs.getTimestamp("updated_at").toInstant(),
                                Math.max(0, Duration.between(placed, now).toSeconds()),
                                rs.getString("carrier"),
                                rs.getString("tracking_number"));
                    })
                    .list();
        });
    }
}
