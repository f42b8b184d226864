/**
 * Cart: carts and sessions in an embedded key-value store (RocksDB; the DynamoDB API at scale) with a
 * 24-hour inactivity TTL. Totals in a cart are indicative: checkout re-reads prices from the catalog.
 */
package dev.mercato.cart;
