/** Events inventory publishes (stock adjusted, reserved, released, committed, low): added with the outbox. */
package dev.mercato.inventory.events;
