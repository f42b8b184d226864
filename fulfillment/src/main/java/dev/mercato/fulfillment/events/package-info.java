/**
 * Events fulfillment publishes on its topic, one stream per order: the pick list created, each step the
 * merchant reported (picked, packed, shipped with its carrier and tracking number, delivered), and the
 * pick list closed because the order was cancelled or refunded.
 */
package dev.mercato.fulfillment.events;
