/** Events orders publishes: added with the outbox. */
package dev.mercato.orders.events;
