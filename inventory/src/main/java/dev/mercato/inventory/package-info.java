/**
 * Inventory: on-hand, reserved and available-to-sell per SKU, the single writer of stock facts. Checkout
 * reserves here; search only ever shows an indicative in-stock flag derived from its events.
 */
package dev.mercato.inventory;
