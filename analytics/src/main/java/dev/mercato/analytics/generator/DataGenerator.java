package dev.mercato.analytics.generator;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A deterministic shop: customers with countries, products with categories, and months of orders, all
 * drawn from one seed, so a demo, a test and a benchmark see the same data every run. It yields the shop
 * as plain records, to drive the real write path (the platform's APIs), or as the events the capabilities
 * would publish for it, to write in bulk straight to the lake.
 */
public final class DataGenerator {

    public static final List<String> COUNTRIES =
            List.of("DE", "FR", "IT", "ES", "NL", "BE", "AT", "PL", "SE", "DK", "PT", "IE", "FI", "CZ", "GB", "US");
    public static final List<String> CATEGORIES = List.of(
            "home/kitchen",
            "home/lighting",
            "garden",
            "books",
            "toys",
            "sports",
            "fashion",
            "beauty",
            "electronics",
            "office");

    public record Customer(String id, String country) {}

    public record Product(String merchant, String sku, String category, BigDecimal price) {}

    public record Line(Product product, int quantity) {
        public BigDecimal total() {
            return product.price().multiply(BigDecimal.valueOf(quantity));
        }
    }

    /**
     * One order and its fate.
     *
     * @param status where it ends: {@code delivered}, {@code cancelled} (before shipping) or {@code refunded}
     */
    public record Order(
            String id, String merchant, Customer customer, List<Line> lines, Instant placedAt, String status) {
        public BigDecimal total() {
            return lines.stream().map(Line::total).reduce(BigDecimal.ZERO, BigDecimal::add);
        }
    }

    private final long seed;
    private final List<Customer> customers;
    private final List<Product> products;

    /** {@code merchants} merchants share the products; every count is at least 1. */
    public DataGenerator(long seed, int customers, int products, int merchants) {
        this.seed = seed;
        SplittableRandom random = new SplittableRandom(seed);
        List<Customer> cs = new ArrayList<>(customers);
        for (int i = 0; i < customers; i++) {
            cs.add(new Customer("gen-c%06d".formatted(i), COUNTRIES.get(random.nextInt(COUNTRIES.size()))));
        }
        List<Product> ps = new ArrayList<>(products);
        for (int i = 0; i < products; i++) {
            BigDecimal price = BigDecimal.valueOf(100 + random.nextInt(19_900)).movePointLeft(2);
            ps.add(new Product(
                    "gen-m%03d".formatted(i % merchants),
                    "GEN-%06d".formatted(i),
                    CATEGORIES.get(random.nextInt(CATEGORIES.size())),
                    price.setScale(2, RoundingMode.UNNECESSARY)));
        }
        this.customers = List.copyOf(cs);
        this.products = List.copyOf(ps);
    }

    public List<Customer> customers() {
        return customers;
    }

    public List<Product> products() {
        return products;
    }

    /**
     * Orders from {@code start} for {@code months} months, {@code perDay} a day, in time order, each of one
     * merchant's products (1 to 4 lines): one in ten is cancelled, one in twenty refunded after delivery.
     */
    public void orders(LocalDate start, int months, int perDay, Consumer<Order> sink) {
        SplittableRandom random = new SplittableRandom(seed * 31 + 7);
        Map<String, List<Product>> byMerchant = new LinkedHashMap<>();
        for (Product p : products) {
            byMerchant.computeIfAbsent(p.merchant(), m -> new ArrayList<>()).add(p);
        }
        List<String> merchants = List.copyOf(byMerchant.keySet());
        long n = 0;
        for (LocalDate day = start; day.isBefore(start.plusMonths(months)); day = day.plusDays(1)) {
            Instant midnight = day.atStartOfDay(ZoneOffset.UTC).toInstant();
            for (int k = 0; k < perDay; k++) {
                String merchant = merchants.get(random.nextInt(merchants.size()));
                List<Product> shelf = byMerchant.get(merchant);
                int count = 1 + random.nextInt(4);
                List<Line> lines = new ArrayList<>(count);
                for (int l = 0; l < count; l++) {
                    lines.add(new Line(shelf.get(random.nextInt(shelf.size())), 1 + random.nextInt(3)));
                }
                int fate = random.nextInt(20);
                String status = fate < 2 ? "cancelled" : fate == 2 ? "refunded" : "delivered";
                Instant at = midnight.plusMillis((86_400_000L * k) / perDay);
                sink.accept(new Order(
                        "gen-o%09d".formatted(n++),
                        merchant,
                        customers.get(random.nextInt(customers.size())),
                        lines,
                        at,
                        status));
            }
        }
    }

    /** The events of the whole shop in publication order: profiles, products, then each order's story. */
    public void events(LocalDate start, int months, int perDay, Consumer<Event> sink) {
        Instant before = start.atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(3600);
        for (Customer c : customers) {
            sink.accept(event(
                    "customers",
                    "customer-registered",
                    "platform",
                    c.id(),
                    1,
                    before,
                    Map.of("customerId", c.id(), "country", c.country(), "version", 1, "at", before.toString())));
        }
        for (Product p : products) {
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("sku", p.sku());
            payload.put("merchant", p.merchant());
            payload.put("title", "Product " + p.sku());
            payload.put("description", "");
            payload.put("category", p.category());
            payload.put("price", money(p.price()));
            payload.put("attributes", Map.of());
            payload.put("status", "active");
            payload.put("version", 1);
            payload.put("updatedAt", before.toString());
            sink.accept(event("catalog", "product-upserted", p.merchant(), p.sku(), 1, before, payload));
        }
        orders(start, months, perDay, o -> orderEvents(o, sink));
    }

    private void orderEvents(Order o, Consumer<Event> sink) {
        String cart = "cart-" + o.id();
        sink.accept(event(
                "cart",
                "cart-created",
                o.merchant(),
                cart,
                1,
                o.placedAt().minusSeconds(300),
                Map.of(
                        "cartId",
                        cart,
                        "owner",
                        o.customer().id(),
                        "createdAt",
                        o.placedAt().minusSeconds(300).toString())));
        List<Map<String, Object>> lines = new ArrayList<>();
        long seq = 2;
        for (Line l : o.lines()) {
            sink.accept(event(
                    "cart",
                    "line-changed",
                    o.merchant(),
                    cart,
                    seq++,
                    o.placedAt().minusSeconds(200),
                    Map.of(
                            "cartId",
                            cart,
                            "sku",
                            l.product().sku(),
                            "quantity",
                            l.quantity(),
                            "previousQuantity",
                            0,
                            "unitPrice",
                            money(l.product().price()))));
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("sku", l.product().sku());
            line.put("title", "Product " + l.product().sku());
            line.put("category", l.product().category());
            line.put("quantity", l.quantity());
            line.put("unitPrice", money(l.product().price()));
            line.put("lineTotal", money(l.total()));
            lines.add(line);
        }
        Map<String, Object> total = money(o.total());
        sink.accept(event(
                "orders",
                "checkout-started",
                o.merchant(),
                "checkout-" + o.id(),
                1,
                o.placedAt().minusSeconds(10),
                Map.of(
                        "checkoutId",
                        o.id(),
                        "merchant",
                        o.merchant(),
                        "customer",
                        o.customer().id(),
                        "cartId",
                        cart,
                        "total",
                        total,
                        "itemCount",
                        lines.size(),
                        "at",
                        o.placedAt().minusSeconds(10).toString())));
        sink.accept(event(
                "payments",
                "payment-authorized",
                o.merchant(),
                o.id(),
                1,
                o.placedAt().minusSeconds(5),
                payment(o, o.placedAt().minusSeconds(5))));
        Map<String, Object> placed = new LinkedHashMap<>();
        placed.put("orderId", o.id());
        placed.put("merchant", o.merchant());
        placed.put("customer", o.customer().id());
        placed.put("cartId", cart);
        placed.put("lines", lines);
        placed.put("subtotal", total);
        placed.put("total", total);
        placed.put("itemCount", o.lines().stream().mapToInt(Line::quantity).sum());
        placed.put("shipTo", Map.of("country", o.customer().country(), "postalCode", "1000", "city", "City"));
        placed.put("placedAt", o.placedAt().toString());
        sink.accept(event("orders", "order-placed", o.merchant(), o.id(), 1, o.placedAt(), placed));
        sink.accept(event(
                "cart",
                "cart-converted",
                o.merchant(),
                cart,
                seq,
                o.placedAt(),
                Map.of("cartId", cart, "orderId", o.id())));
        Instant later = o.placedAt().plusSeconds(6 * 3600);
        if (o.status().equals("cancelled")) {
            sink.accept(status(o, 2, "placed", "cancelled", later));
            sink.accept(event("payments", "payment-voided", o.merchant(), o.id(), 2, later, payment(o, later)));
            return;
        }
        sink.accept(status(o, 2, "placed", "picking", later));
        sink.accept(status(o, 3, "picking", "packed", later.plusSeconds(60)));
        sink.accept(status(o, 4, "packed", "shipped", later.plusSeconds(120)));
        sink.accept(event(
                "payments",
                "payment-captured",
                o.merchant(),
                o.id(),
                2,
                later.plusSeconds(120),
                payment(o, later.plusSeconds(120))));
        sink.accept(status(o, 5, "shipped", "delivered", later.plusSeconds(86_400)));
        if (o.status().equals("refunded")) {
            Instant refund = later.plusSeconds(3 * 86_400);
            sink.accept(status(o, 6, "delivered", "refunded", refund));
            sink.accept(event("payments", "payment-refunded", o.merchant(), o.id(), 3, refund, payment(o, refund)));
        }
    }

    private Event status(Order o, long version, String from, String to, Instant at) {
        return event(
                "orders",
                "order-status-changed",
                o.merchant(),
                o.id(),
                version,
                at,
                Map.of(
                        "orderId",
                        o.id(),
                        "merchant",
                        o.merchant(),
                        "customer",
                        o.customer().id(),
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

    private static Map<String, Object> payment(Order o, Instant at) {
        return Map.of(
                "paymentId",
                o.id(),
                "merchant",
                o.merchant(),
                "customer",
                o.customer().id(),
                "amount",
                money(o.total()),
                "providerReference",
                "gen-" + o.id(),
                "at",
                at.toString());
    }

    private static Map<String, Object> money(BigDecimal amount) {
        return Map.of("amount", amount.toPlainString(), "currency", "EUR");
    }

    /** Event ids are derived from the seed and the event's stream, so a second run yields the same ids. */
    private Event event(
            String source,
            String name,
            String merchant,
            String aggregate,
            long seq,
            Instant at,
            Map<String, Object> payload) {
        UUID id = UUID.nameUUIDFromBytes((seed + "|" + source + "|" + merchant + "|" + aggregate + "|" + seq)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new Event(
                id,
                EventType.of(source, name, 1),
                at,
                MerchantId.of(merchant),
                aggregate,
                seq,
                "",
                EventJson.write(payload));
    }
}
