/**
 * The operators' cross-capability check of orders: for each order, whether payments (and the provider's
 * ledger), inventory, fulfillment and the books hold what the order's status needs, judged by {@link
 * dev.mercato.orders.OrderAudit}, with what to do about each disagreement.
 */
package dev.mercato.app.consistency;
