package dev.mercato.orders;

import dev.mercato.customers.Address;
import dev.mercato.plane.web.MoneyJson;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * An order on the wire. Checkout stores its 201 body in this shape, and {@code GET /orders/{id}} answers
 * in it, so a client parses one shape whether the answer is first-hand, replayed or read later.
 */
public record OrderDocument(
        String id,
        String status,
        String merchant,
        String customer,
        List<Line> lines,
        MoneyJson subtotal,
        MoneyJson total,
        int itemCount,
        ShipTo shipTo,
        long version,
        Instant placedAt,
        Instant updatedAt,
        List<Change> history) {

    @Schema(name = "OrderDocumentLine")
    public record Line(
            String sku, String title, String category, int quantity, MoneyJson unitPrice, MoneyJson lineTotal) {
        static Line of(OrderLine l) {
            return new Line(
                    l.sku().value(),
                    l.title(),
                    l.category(),
                    l.quantity(),
                    MoneyJson.of(l.unitPrice()),
                    MoneyJson.of(l.lineTotal()));
        }
    }

    public record ShipTo(String name, String line1, String line2, String city, String postalCode, String country) {
        static ShipTo of(Address a) {
            return new ShipTo(a.name(), a.line1(), a.line2(), a.city(), a.postalCode(), a.country());
        }
    }

    public record Change(String from, String to, String reason, Instant at) {}

    public static OrderDocument of(Order o) {
        return new OrderDocument(
                o.id().value(),
                o.status().wire(),
                o.merchant().value(),
                o.customer().value(),
                o.lines().stream().map(Line::of).toList(),
                MoneyJson.of(o.subtotal()),
                MoneyJson.of(o.total()),
                o.itemCount(),
                o.shipTo().map(ShipTo::of).orElse(null),
                o.version(),
                o.placedAt(),
                o.updatedAt(),
                o.history().stream()
                        .map(c ->
                                new Change(c.from().map(s -> s.wire()).orElse(null), c.to().wire(), c.reason(), c.at()))
                        .toList());
    }
}
