/**
 * Events orders publishes, one stream per order: checkout started, then order placed or checkout failed,
 * then one order-status-changed per move of its state machine.
 */
package dev.mercato.orders.events;
