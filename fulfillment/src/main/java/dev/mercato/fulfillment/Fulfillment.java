package dev.mercato.fulfillment;

import dev.mercato.orders.OrderId;
import dev.mercato.orders.OrderUpdate;
import java.util.Optional;

/**
 * The fulfillment capability's published API: pick lists and the steps merchants report on them.
 *
 * <p>Fulfillment owns the reports; orders owns the order's status and its side effects (a pick commits the
 * reservation, a shipment captures the payment). A report is recorded here first, with its event, then the
 * order is driven through {@link dev.mercato.orders.Orders#advance}, which is idempotent; a report whose
 * second write was lost (a crash between them) is driven again by the next report on the order, by the
 * same report retried, or by {@link #driveUnadvanced()}.
 */
public interface Fulfillment {

    Optional<PickList> pickList(OrderId order);

    /**
     * Records the step and moves the order there. The caller has checked that the actor may fulfil the
     * order. Repeating the step the pick list is at records nothing and completes the move; skipping a step,
     * going back, or reporting on a cancelled order is refused ({@code illegal-transition}). When intake has
     * not created the pick list yet, it is created from the order as the orders API returns it.
     */
    OrderUpdate report(Report report);

    /** Drives orders through steps recorded here but never confirmed by orders; returns how many. */
    int driveUnadvanced();
}
