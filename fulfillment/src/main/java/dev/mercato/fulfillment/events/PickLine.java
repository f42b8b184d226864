package dev.mercato.fulfillment.events;

/** One line of a pick list: what to take off the shelf. */
public record PickLine(String sku, String title, int quantity) {}
