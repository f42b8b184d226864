package dev.mercato.fulfillment;

import dev.mercato.fulfillment.events.PickLine;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An order's pick list as fulfillment holds it: what to pick, and how far the merchant has reported.
 *
 * @param createdFrom {@code order-placed} (intake from the orders log) or {@code order-read} (a report came
 *     before intake, so it was made from the order read through the orders API)
 */
public record PickList(
        String orderId,
        String merchant,
        String customer,
        PickListStatus status,
        List<PickLine> lines,
        int itemCount,
        Instant placedAt,
        String createdFrom,
        Instant updatedAt,
        Optional<String> carrier,
        Optional<String> trackingNumber,
        Optional<String> closedReason) {

    public PickList {
        lines = List.copyOf(lines);
    }

    public PickList withLines(List<PickLine> l) {
        return new PickList(
                orderId,
                merchant,
                customer,
                status,
                l,
                itemCount,
                placedAt,
                createdFrom,
                updatedAt,
                carrier,
                trackingNumber,
                closedReason);
    }
}
