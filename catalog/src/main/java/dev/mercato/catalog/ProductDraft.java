package dev.mercato.catalog;

import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import java.util.Map;
import java.util.Objects;

/** What a merchant sends to create or change a product. Validated here, before anything is written. */
public record ProductDraft(
        Sku sku,
        MerchantId merchant,
        String title,
        String description,
        String category,
        Money price,
        Map<String, String> attributes) {

    public ProductDraft {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(merchant, "merchant");
        Objects.requireNonNull(price, "price");
        title = requireText("title", title, 1, 200);
        description = description == null ? "" : description;
        if (description.length() > 5000) {
            throw new InvalidInput("description", "must be at most 5000 characters");
        }
        category = requireText("category", category, 1, 200);
        if (!category.matches("[a-z0-9-]+(/[a-z0-9-]+)*")) {
            throw new InvalidInput(
                    "category", "must be a path of lowercase segments like home/kitchen, got " + category);
        }
        if (price.isNegative()) {
            throw new InvalidInput("price", "must not be negative");
        }
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        if (attributes.size() > 50) {
            throw new InvalidInput("attributes", "at most 50 attributes");
        }
    }

    private static String requireText(String field, String value, int min, int max) {
        if (value == null || value.isBlank()) {
            throw new InvalidInput(field, "is required");
        }
        String v = value.strip();
        if (v.length() < min || v.length() > max) {
            throw new InvalidInput(field, "must be " + min + "-" + max + " characters");
        }
        return v;
    }
}
