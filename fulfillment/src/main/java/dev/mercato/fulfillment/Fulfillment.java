package dev.mercato.fulfillment;

import dev.mercato.orders.OrderId;
import dev.mercato.orders.OrderUpdate;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The fulfillment capability's published API: pick lists and the steps merchants report on them.
 *
 * <p>Fulfillment owns the reports; orders owns the order's status and its side effects (a pick commits the
 * reservation, a shipment captures the payment). Orders decides first, through {@link
 * dev.mercato.orders.Orders#advance}; a report is recorded here (step, pick list, event) only for a move
 * orders made, so a report that loses to a cancel changes nothing. A report whose record was lost (a crash
 * after orders moved) is recorded by the same report retried or by {@link #driveUnadvanced()}.
 */
public interface Fulfillment {

    /** The name of fulfillment's intake from the orders log in the plane's view runtime. */
    String INTAKE_VIEW = "fulfillment";

    Optional<PickList> pickList(OrderId order);

    /** The status of each of these orders' pick lists; an order without one is missing. */
    Map<OrderId, PickListStatus> pickListStatuses(Collection<OrderId> orders);

    /**
     * Moves the order to the step and records the report. The caller has checked that the actor may fulfil
     * the order. Repeating the step the order is at records nothing new; skipping a step, going back, or
     * reporting on a cancelled order is refused ({@code illegal-transition}) with nothing recorded. When
     * intake has not created the pick list yet, it is created from the order as the orders API returns it.
     */
    OrderUpdate report(Report report);

    /**
     * Settles reports whose request died between orders' decision and the record here (recorded when orders
     * made the move, dropped when it did not), and drives steps the earlier protocol recorded before orders
     * had them; returns how many.
     */
    int driveUnadvanced();
}
