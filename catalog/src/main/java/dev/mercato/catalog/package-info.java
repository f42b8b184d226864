/**
 * Catalog: merchant-owned products, their SKUs, the category tree and prices. It is the single writer of
 * those facts; search, the cache and checkout all learn about products from it (checkout by re-reading
 * prices here, never from a derived view). This package is the published API; {@code events} holds what
 * it publishes; everything else is internal.
 */
package dev.mercato.catalog;
