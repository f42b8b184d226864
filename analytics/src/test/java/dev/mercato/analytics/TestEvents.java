package dev.mercato.analytics;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Events as the capabilities publish them, built for analytics tests. */
public final class TestEvents {

    private TestEvents() {}

    public static Event event(
            String source, String name, String merchant, String aggregate, long seq, Instant at, Object payload) {
        return new Event(
                UUID.randomUUID(),
                EventType.of(source, name, 1),
                at,
                MerchantId.of(merchant),
                aggregate,
                seq,
                "",
                EventJson.write(payload));
    }

    static Map<String, String> money(String amount) {
        return Map.of("amount", amount, "currency", "EUR");
    }

    /** An order with one line per (sku, category, quantity, unit price) quadruple. */
    public static Event orderPlaced(
            String merchant, String order, String customer, String cart, String country, Instant at, Object... lines) {
        List<Map<String, Object>> ls = new ArrayList<>();
        java.math.BigDecimal total = java.math.BigDecimal.ZERO;
        for (int i = 0; i < lines.length; i += 4) {
            java.math.BigDecimal unit = new java.math.BigDecimal((String) lines[i + 3]);
            int qty = (Integer) lines[i + 2];
            java.math.BigDecimal lineTotal = unit.multiply(java.math.BigDecimal.valueOf(qty));
            total = total.add(lineTotal);
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("sku", lines[i]);
            l.put("title", lines[i]);
            l.put("category", lines[i + 1]);
            l.put("quantity", qty);
            l.put("unitPrice", money(unit.toPlainString()));
            l.put("lineTotal", money(lineTotal.toPlainString()));
            ls.add(l);
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("orderId", order);
        p.put("merchant", merchant);
        p.put("customer", customer);
        p.put("cartId", cart);
        p.put("lines", ls);
        p.put("subtotal", money(total.toPlainString()));
        p.put("total", money(total.toPlainString()));
        p.put("itemCount", 1);
        p.put("shipTo", Map.of("country", country, "postalCode", "1000", "city", "X"));
        p.put("placedAt", at.toString());
        return event("orders", "order-placed", merchant, order, 1, at, p);
    }

    public static Event statusChanged(String merchant, String order, String from, String to, long version, Instant at) {
        return event(
                "orders",
                "order-status-changed",
                merchant,
                order,
                version,
                at,
                Map.of(
                        "orderId",
                        order,
                        "merchant",
                        merchant,
                        "customer",
                        "c",
                        "from",
                        from,
                        "to",
                        to,
                        "reason",
                        "",
                        "version",
                        version,
                        "at",
                        at.toString()));
    }

    public static Event payment(String kind, String merchant, String payment, String amount, long seq, Instant at) {
        return event(
                "payments",
                "payment-" + kind,
                merchant,
                payment,
                seq,
                at,
                Map.of(
                        "paymentId",
                        payment,
                        "merchant",
                        merchant,
                        "customer",
                        "c",
                        "amount",
                        money(amount),
                        "providerReference",
                        "ref",
                        "at",
                        at.toString()));
    }

    public static Event customer(String customer, String country, long version, Instant at) {
        return event(
                "customers",
                version == 1 ? "customer-registered" : "customer-updated",
                "platform",
                customer,
                version,
                at,
                Map.of("customerId", customer, "country", country, "version", version, "at", at.toString()));
    }

    public static Event product(String merchant, String sku, String category, long version, Instant at) {
        return event(
                "catalog",
                "product-upserted",
                merchant,
                sku,
                version,
                at,
                Map.of(
                        "sku",
                        sku,
                        "merchant",
                        merchant,
                        "title",
                        sku,
                        "description",
                        "",
                        "category",
                        category,
                        "price",
                        money("1.00"),
                        "attributes",
                        Map.of(),
                        "status",
                        "active",
                        "version",
                        version,
                        "updatedAt",
                        at.toString()));
    }

    public static Event cartCreated(String merchant, String cart, Instant at) {
        return event(
                "cart",
                "cart-created",
                merchant,
                cart,
                1,
                at,
                Map.of("cartId", cart, "owner", "c", "createdAt", at.toString()));
    }

    public static Event lineChanged(
            String merchant, String cart, String sku, int qty, int previous, long seq, Instant at) {
        return event(
                "cart",
                "line-changed",
                merchant,
                cart,
                seq,
                at,
                Map.of(
                        "cartId",
                        cart,
                        "sku",
                        sku,
                        "quantity",
                        qty,
                        "previousQuantity",
                        previous,
                        "unitPrice",
                        money("1.00")));
    }

    public static Event checkoutStarted(String merchant, String checkout, String cart, Instant at) {
        return event(
                "orders",
                "checkout-started",
                merchant,
                "checkout-" + checkout,
                1,
                at,
                Map.of(
                        "checkoutId",
                        checkout,
                        "merchant",
                        merchant,
                        "customer",
                        "c",
                        "cartId",
                        cart,
                        "total",
                        money("1.00"),
                        "itemCount",
                        1,
                        "at",
                        at.toString()));
    }
}
