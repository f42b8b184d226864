package dev.mercato.cart.testing;

import dev.mercato.catalog.Catalog;
import dev.mercato.catalog.Product;
import dev.mercato.catalog.Sku;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The catalog's published API over a map, for the one question carts ask it: {@link Catalog#product}. It
 * is a proxy of the interface, so it keeps compiling as the catalog's API grows; any other method throws.
 * Products are made with {@link #aProduct(String)}.
 */
public final class TestCatalog {

    private final Map<Sku, Product> products = new ConcurrentHashMap<>();
    private final Catalog catalog = (Catalog)
            Proxy.newProxyInstance(Catalog.class.getClassLoader(), new Class<?>[] {Catalog.class}, this::answer);

    public Catalog catalog() {
        return catalog;
    }

    public TestCatalog add(Product product) {
        products.put(product.sku(), product);
        return this;
    }

    /** A product builder, active, of merchant {@code acme} at 9.99 EUR unless told otherwise. */
    public static ProductBuilder aProduct(String sku) {
        return new ProductBuilder(sku);
    }

    public static final class ProductBuilder {
        private final String sku;
        private String merchant = "acme";
        private String title;
        private Money price = Money.of("9.99", "EUR");
        private String status = "active";

        private ProductBuilder(String sku) {
            this.sku = sku;
            this.title = "Product " + sku;
        }

        public ProductBuilder of(String merchant) {
            this.merchant = merchant;
            return this;
        }

        public ProductBuilder titled(String title) {
            this.title = title;
            return this;
        }

        public ProductBuilder at(String amount, String currency) {
            this.price = Money.of(amount, currency);
            return this;
        }

        public ProductBuilder retired() {
            this.status = "retired";
            return this;
        }

        public Product build() {
            return new Product(
                    Sku.of(sku),
                    MerchantId.of(merchant),
                    title,
                    "",
                    "home/kitchen",
                    price,
                    Map.of(),
                    status,
                    1,
                    Instant.parse("2026-01-01T00:00:00Z"));
        }
    }

    private Object answer(Object proxy, Method method, Object[] args) {
        return switch (method.getName()) {
            case "product" -> Optional.ofNullable(products.get((Sku) args[0]));
            case "toString" -> "TestCatalog" + products.keySet();
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default ->
                throw new UnsupportedOperationException(
                        "Carts only read products one by one; the test catalog does not answer " + method.getName());
        };
    }
}
