package dev.mercato.catalog.web;

import dev.mercato.catalog.Catalog;
import dev.mercato.catalog.Product;
import dev.mercato.catalog.Sku;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.web.Cursor;
import dev.mercato.plane.web.MoneyJson;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Public reads of the catalog, from its source of truth. */
@RestController
@RequestMapping("/api/v1")
class ProductController {

    private final Catalog catalog;

    ProductController(Catalog catalog) {
        this.catalog = catalog;
    }

    record ProductJson(
            String sku,
            String merchant,
            String title,
            String description,
            String category,
            MoneyJson price,
            Map<String, String> attributes,
            String status,
            long version,
            Instant updatedAt) {

        static ProductJson of(Product p) {
            return new ProductJson(
                    p.sku().value(),
                    p.merchant().value(),
                    p.title(),
                    p.description(),
                    p.category(),
                    MoneyJson.of(p.price()),
                    p.attributes(),
                    p.status(),
                    p.version(),
                    p.updatedAt());
        }
    }

    record ProductPage(List<ProductJson> items, String next) {}

    record CategoryJson(String path, long products) {}

    @GetMapping("/products/{sku}")
    ProductJson product(@PathVariable String sku) {
        return catalog.product(Sku.of(sku)).map(ProductJson::of).orElseThrow(() -> new NotFound("product", sku));
    }

    @GetMapping("/products")
    ProductPage products(
            @RequestParam(required = false) String category,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor) {
        if (category != null && !category.matches("[a-z0-9-]+(/[a-z0-9-]+)*")) {
            throw new InvalidInput("category", "must be a path like home/kitchen");
        }
        Optional<Sku> after = Optional.ofNullable(cursor).map(Cursor::decode).map(Sku::of);
        List<Product> page = catalog.products(Optional.ofNullable(category), after, limit);
        String next = page.size() == limit ? Cursor.encode(page.getLast().sku().value()) : null;
        return new ProductPage(page.stream().map(ProductJson::of).toList(), next);
    }

    @GetMapping("/categories")
    List<CategoryJson> categories() {
        return catalog.categories().stream()
                .map(c -> new CategoryJson(c.path(), c.products()))
                .toList();
    }
}
