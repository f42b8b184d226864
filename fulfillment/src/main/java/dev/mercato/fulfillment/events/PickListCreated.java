package dev.mercato.fulfillment.events;

import dev.mercato.plane.events.EventType;
import java.time.Instant;
import java.util.List;

/**
 * A placed order got its pick list. {@code createdFrom} says how: {@code order-placed} when intake read it
 * from the orders log, {@code order-read} when a merchant's report came first and fulfillment read the
 * order through the orders API.
 */
public record PickListCreated(
        String orderId,
        String merchant,
        String customer,
        List<PickLine> lines,
        int itemCount,
        Instant placedAt,
        String createdFrom,
        Instant at) {

    public static final EventType TYPE = EventType.of("fulfillment", "pick-list-created", 1);
}
