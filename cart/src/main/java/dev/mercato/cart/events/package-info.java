/** Events cart publishes (item added, cart converted): added with the outbox. */
package dev.mercato.cart.events;
