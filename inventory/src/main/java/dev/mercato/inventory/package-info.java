/**
 * Inventory: on-hand, reserved and available-to-sell per SKU, the single writer of stock facts. Checkout
 * reserves here; search only ever shows an indicative in-stock flag derived from its events. Reorder
 * suggestions are a view inventory owns, derived from its own stock-low events into a schema of their own.
 */
package dev.mercato.inventory;
