/** Events customers publishes (customer registered, merchant onboarded): added with the outbox. */
package dev.mercato.customers.events;
