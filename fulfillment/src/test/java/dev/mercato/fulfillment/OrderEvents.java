package dev.mercato.fulfillment;

import dev.mercato.fulfillment.events.OrderShipped;
import dev.mercato.orders.OrderId;
import dev.mercato.orders.events.MoneyLine;
import dev.mercato.orders.events.OrderPlaced;
import dev.mercato.orders.events.OrderStatusChanged;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.web.MoneyJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Test data builder: the events orders and fulfillment publish about one order, with the per-stream
 * sequences their outboxes would give them.
 */
public final class OrderEvents {

    public final String orderId = OrderId.next(Instant.now()).value();
    public final String merchant;
    public final String customer;
    private final Instant placedAt = Instant.now();
    private long ordersSequence;
    private long fulfillmentSequence;
    private String status = "placed";

    public OrderEvents(String merchant, String customer) {
        this.merchant = merchant;
        this.customer = customer;
    }

    public static OrderEvents anOrder(String merchant) {
        return new OrderEvents(merchant, "cust-" + UUID.randomUUID().toString().substring(0, 8));
    }

    public Event placed() {
        List<MoneyLine> lines = new ArrayList<>();
        lines.add(new MoneyLine("SKU-A", "Lamp", "home", 2, money("10.00"), money("20.00")));
        lines.add(new MoneyLine("SKU-B", "Shade", "home", 1, money("5.00"), money("5.00")));
        return orders(
                OrderPlaced.TYPE,
                new OrderPlaced(
                        orderId,
                        merchant,
                        customer,
                        "cart-1",
                        lines,
                        money("25.00"),
                        money("25.00"),
                        3,
                        null,
                        placedAt));
    }

    /** The order moved to {@code to} (picking, packed, shipped, delivered, cancelled, refunded). */
    public Event moved(String to) {
        String from = status;
        status = to;
        return orders(
                OrderStatusChanged.TYPE,
                new OrderStatusChanged(orderId, merchant, customer, from, to, to, ordersSequence + 1, Instant.now()));
    }

    public Event shipped(String carrier, String tracking) {
        return new Event(
                UUID.randomUUID(),
                OrderShipped.TYPE,
                Instant.now(),
                MerchantId.of(merchant),
                orderId,
                ++fulfillmentSequence,
                "",
                EventJson.write(new OrderShipped(orderId, merchant, carrier, tracking, "merchant:mo", Instant.now())));
    }

    private Event orders(EventType type, Object payload) {
        return new Event(
                UUID.randomUUID(),
                type,
                Instant.now(),
                MerchantId.of(merchant),
                orderId,
                ++ordersSequence,
                "",
                EventJson.write(payload));
    }

    private static MoneyJson money(String amount) {
        return new MoneyJson(amount, "EUR");
    }
}
