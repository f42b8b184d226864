package dev.mercato.app.sample;

import dev.mercato.catalog.ProductDraft;
import dev.mercato.catalog.Sku;
import dev.mercato.customers.Merchant;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A deterministic sample catalog: the same merchants, category tree, products, prices and stock on every
 * machine, so a demo, a bug report and a benchmark all talk about the same SKUs.
 */
final class SampleCatalog {

    static final int PRODUCTS_PER_LEAF = 50;
    static final long SEED = 20261122L;

    static final List<Merchant> MERCHANTS = List.of(
            new Merchant(MerchantId.of("north-wind"), "North Wind Outfitters", "DE"),
            new Merchant(MerchantId.of("casa-bella"), "Casa Bella Home", "IT"),
            new Merchant(MerchantId.of("volt-labs"), "Volt Labs Electronics", "NL"));

    /** Top-level category, its merchant, and its leaves. */
    static final Map<String, List<String>> TREE = tree();

    private static final String[] ADJECTIVES = {
        "Classic",
        "Compact",
        "Deluxe",
        "Eco",
        "Everyday",
        "Heavy-Duty",
        "Lightweight",
        "Modern",
        "Nordic",
        "Pro",
        "Rugged",
        "Slim",
        "Smart",
        "Soft",
        "Travel",
        "Vintage"
    };
    private static final String[] MATERIALS = {
        "Bamboo", "Ceramic", "Cotton", "Copper", "Glass", "Leather", "Linen", "Oak", "Steel", "Wool"
    };

    private SampleCatalog() {}

    private static Map<String, List<String>> tree() {
        Map<String, List<String>> tree = new LinkedHashMap<>();
        tree.put(
                "outdoor",
                List.of(
                        "outdoor/camping/tents",
                        "outdoor/camping/stoves",
                        "outdoor/hiking/backpacks",
                        "outdoor/hiking/boots",
                        "outdoor/cycling/helmets",
                        "outdoor/cycling/lights"));
        tree.put(
                "home",
                List.of(
                        "home/kitchen/knives",
                        "home/kitchen/cookware",
                        "home/kitchen/coffee",
                        "home/living/lamps",
                        "home/living/rugs",
                        "home/bedroom/bedding",
                        "home/bedroom/pillows",
                        "home/bath/towels"));
        tree.put(
                "electronics",
                List.of(
                        "electronics/audio/headphones",
                        "electronics/audio/speakers",
                        "electronics/computing/keyboards",
                        "electronics/computing/mice",
                        "electronics/computing/monitors",
                        "electronics/phones/chargers",
                        "electronics/phones/cases",
                        "electronics/wearables/watches",
                        "electronics/wearables/trackers",
                        "electronics/cameras/lenses"));
        return tree;
    }

    static MerchantId merchantOf(String top) {
        return switch (top) {
            case "outdoor" -> MERCHANTS.get(0).id();
            case "home" -> MERCHANTS.get(1).id();
            default -> MERCHANTS.get(2).id();
        };
    }

    static int size() {
        return TREE.values().stream().mapToInt(List::size).sum() * PRODUCTS_PER_LEAF;
    }

    /** One batch per leaf category, in a fixed order. */
    static List<Batch> batches() {
        Random random = new Random(SEED);
        List<Batch> batches = new ArrayList<>();
        TREE.forEach((top, leaves) -> {
            MerchantId merchant = merchantOf(top);
            String currency = "EUR";
            for (String leaf : leaves) {
                String noun = singular(leaf.substring(leaf.lastIndexOf('/') + 1));
                String code =
                        leaf.substring(leaf.lastIndexOf('/') + 1).toUpperCase().replaceAll("[^A-Z]", "");
                code = code.substring(0, Math.min(4, code.length()));
                List<ProductDraft> drafts = new ArrayList<>();
                Map<Sku, Integer> stock = new LinkedHashMap<>();
                for (int i = 1; i <= PRODUCTS_PER_LEAF; i++) {
                    Sku sku = Sku.of(top.substring(0, 3).toUpperCase() + "-" + code + "-" + String.format("%03d", i));
                    String adjective = ADJECTIVES[random.nextInt(ADJECTIVES.length)];
                    String material = MATERIALS[random.nextInt(MATERIALS.length)];
                    BigDecimal price = BigDecimal.valueOf(499 + random.nextInt(49_500), 2);
                    String title = adjective + " " + material + " " + noun;
                    String description = "A " + adjective.toLowerCase() + " " + noun.toLowerCase() + " made of "
                            + material.toLowerCase() + ", sold by " + merchant + ". Sample product " + i + " of "
                            + PRODUCTS_PER_LEAF + " in " + leaf + ".";
                    drafts.add(new ProductDraft(
                            sku,
                            merchant,
                            title,
                            description,
                            leaf,
                            new Money(price, currency),
                            Map.of("material", material.toLowerCase(), "style", adjective.toLowerCase())));
                    // Some products are sold out, so in-stock filters have something to filter.
                    stock.put(sku, random.nextInt(10) == 0 ? 0 : random.nextInt(200));
                }
                batches.add(new Batch(leaf, merchant, drafts, stock));
            }
        });
        return batches;
    }

    private static final Map<String, String> IRREGULAR = Map.of(
            "knives", "Knife", "mice", "Mouse", "watches", "Watch", "lenses", "Lens", "headphones", "Headphones");

    private static String singular(String plural) {
        String irregular = IRREGULAR.get(plural);
        if (irregular != null) {
            return irregular;
        }
        String word = plural.endsWith("s") ? plural.substring(0, plural.length() - 1) : plural;
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    record Batch(String category, MerchantId merchant, List<ProductDraft> products, Map<Sku, Integer> stock) {}
}
