package dev.mercato.accounting;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Accounting's published API for other parts of the platform: what the books hold for given orders. The
 * books are a view derived from the orders and payments logs, named {@link #VIEW} in the plane's view
 * runtime, so they may be a moment behind the payments they book.
 */
public interface Books {

    /** The books' view name in the plane (its freshness, pause and rebuild go by it). */
    String VIEW = "accounting";

    /**
     * The kinds of entry ({@code capture}, {@code refund}) booked for each of these orders, in booking
     * order; an order with none is missing.
     */
    Map<String, List<String>> kindsByOrder(Collection<String> orderIds);
}
