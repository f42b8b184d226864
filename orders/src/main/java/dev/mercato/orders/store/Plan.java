package dev.mercato.orders.store;

import dev.mercato.catalog.Sku;
import dev.mercato.customers.Address;
import dev.mercato.customers.CustomerId;
import dev.mercato.orders.OrderLine;
import dev.mercato.payments.PaymentMethod;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * Everything a checkout needs to finish without the request: what was priced when it began. Stored with
 * the checkout, so recovery after a crash completes the very order the customer asked for.
 */
public record Plan(
        String merchant,
        String customer,
        String cartId,
        String currency,
        List<Line> lines,
        String subtotal,
        String total,
        String paymentToken,
        ShipTo shipTo) {

    public Plan {
        lines = List.copyOf(lines);
    }

    public record Line(String sku, String title, String category, int quantity, String unitPrice) {
        public OrderLine toOrderLine(String currency) {
            Money unit = Money.of(unitPrice, currency);
            return new OrderLine(
                    Sku.of(sku),
                    title,
                    category,
                    quantity,
                    unit,
                    new Money(unit.amount().multiply(BigDecimal.valueOf(quantity)), currency));
        }
    }

    /** A shipping address as stored with the plan (the same fields as {@link Address}). */
    public record ShipTo(
            String label, String name, String line1, String line2, String city, String postalCode, String country) {
        public static ShipTo of(Address a) {
            return new ShipTo(a.label(), a.name(), a.line1(), a.line2(), a.city(), a.postalCode(), a.country());
        }

        public Address toAddress() {
            return new Address(label, name, line1, line2, city, postalCode, country);
        }
    }

    public MerchantId merchantId() {
        return MerchantId.of(merchant);
    }

    public CustomerId customerId() {
        return CustomerId.of(customer);
    }

    public Money totalMoney() {
        return Money.of(total, currency);
    }

    public Money subtotalMoney() {
        return Money.of(subtotal, currency);
    }

    public PaymentMethod payment() {
        return new PaymentMethod(paymentToken);
    }

    public List<OrderLine> orderLines() {
        return lines.stream().map(l -> l.toOrderLine(currency)).toList();
    }

    public int itemCount() {
        return lines.stream().mapToInt(Line::quantity).sum();
    }

    public Optional<Address> shipToAddress() {
        return Optional.ofNullable(shipTo).map(ShipTo::toAddress);
    }
}
