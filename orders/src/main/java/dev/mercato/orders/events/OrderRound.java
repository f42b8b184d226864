package dev.mercato.orders.events;

import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A view's round of events with orders' own read, for views that write a round as sets: the orders placed,
 * each order's last status change in the round (what its row ends with, since an order's events come in
 * their order), and every other event in the round's order.
 *
 * @param placed the round's placements, in order
 * @param lastStatus per order, the last status change of the round, orders in the order of their last change
 * @param others events of other types, in order
 */
public record OrderRound(List<OrderPlaced> placed, List<OrderStatusChanged> lastStatus, List<Event> others) {

    public static OrderRound of(List<Event> events) {
        List<OrderPlaced> placed = new ArrayList<>();
        Map<String, OrderStatusChanged> last = new LinkedHashMap<>();
        List<Event> others = new ArrayList<>();
        for (Event e : events) {
            if (e.type().equals(OrderPlaced.TYPE)) {
                placed.add(EventJson.read(e.data(), OrderPlaced.class));
            } else if (e.type().equals(OrderStatusChanged.TYPE)) {
                OrderStatusChanged c = EventJson.read(e.data(), OrderStatusChanged.class);
                last.remove(c.orderId());
                last.put(c.orderId(), c);
            } else {
                others.add(e);
            }
        }
        return new OrderRound(List.copyOf(placed), List.copyOf(last.values()), List.copyOf(others));
    }
}
