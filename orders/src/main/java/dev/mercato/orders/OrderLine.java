package dev.mercato.orders;

import dev.mercato.catalog.Sku;
import dev.mercato.plane.Money;

/** One SKU of an order at the price the catalog had when checkout re-read it. */
public record OrderLine(Sku sku, String title, String category, int quantity, Money unitPrice, Money lineTotal) {}
