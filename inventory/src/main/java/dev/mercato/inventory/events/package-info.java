/**
 * Events inventory publishes, one stream per SKU: stock adjusted, reserved, released, committed, and
 * stock-low when available falls under the SKU's threshold. Each carries the SKU's resulting levels, so
 * a view never needs to add up deltas.
 */
package dev.mercato.inventory.events;
