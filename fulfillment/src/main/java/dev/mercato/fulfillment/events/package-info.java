/** Events fulfillment publishes: added with the outbox. */
package dev.mercato.fulfillment.events;
