/** Events accounting publishes: added with the outbox. */
package dev.mercato.accounting.events;
