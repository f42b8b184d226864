package dev.mercato.accounting.journal;

import dev.mercato.orders.events.MoneyLine;
import dev.mercato.orders.events.OrderPlaced;
import dev.mercato.orders.events.OrderStatusChanged;
import dev.mercato.orders.events.ShipToRegion;
import dev.mercato.payments.events.PaymentAuthorized;
import dev.mercato.payments.events.PaymentCaptured;
import dev.mercato.payments.events.PaymentRefunded;
import dev.mercato.payments.events.PaymentVoided;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.web.MoneyJson;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Test data builder: one order of one merchant and the events orders and payments publish about it, each
 * with the sequence its publisher gives it (orders and payments count separately).
 */
final class Sales {

    static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");

    final String merchant;
    final String order;
    final MoneyJson total;
    private final Instant at;

    private Sales(String merchant, String order, String amount, String currency, Instant at) {
        this.merchant = merchant;
        this.order = order;
        this.total = new MoneyJson(amount, currency);
        this.at = at;
    }

    static Sales anOrder(String merchant, String order, String amount) {
        return new Sales(merchant, order, amount, "EUR", T0);
    }

    Sales in(String currency) {
        return new Sales(merchant, order, total.amount(), currency, at);
    }

    Sales at(Instant when) {
        return new Sales(merchant, order, total.amount(), total.currency(), when);
    }

    Event placed() {
        return event(
                OrderPlaced.TYPE,
                1,
                new OrderPlaced(
                        order,
                        merchant,
                        "cust-" + order,
                        "cart-" + order,
                        List.of(new MoneyLine("SKU-" + order, "Thing", "home/things", 1, total, total)),
                        total,
                        total,
                        1,
                        new ShipToRegion("DE", "10115", "Berlin"),
                        at));
    }

    Event shipped() {
        return event(
                OrderStatusChanged.TYPE,
                2,
                new OrderStatusChanged(order, merchant, "cust-" + order, "packed", "shipped", "shipped", 4, at));
    }

    Event authorized() {
        return event(
                PaymentAuthorized.TYPE,
                1,
                new PaymentAuthorized(order, merchant, "cust-" + order, total, "auth-" + order, at));
    }

    Event captured() {
        return event(
                PaymentCaptured.TYPE,
                2,
                new PaymentCaptured(order, merchant, "cust-" + order, total, "auth-" + order, at.plusSeconds(60)));
    }

    Event voided() {
        return event(
                PaymentVoided.TYPE, 2, new PaymentVoided(order, merchant, "cust-" + order, total, "auth-" + order, at));
    }

    Event refunded() {
        return event(
                PaymentRefunded.TYPE,
                3,
                new PaymentRefunded(order, merchant, "cust-" + order, total, "auth-" + order, at.plusSeconds(120)));
    }

    private Event event(EventType type, long sequence, Object payload) {
        return new Event(
                UUID.randomUUID(), type, at, MerchantId.of(merchant), order, sequence, "", EventJson.write(payload));
    }
}
