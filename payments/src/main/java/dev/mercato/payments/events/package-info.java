/** Events payments publishes: added with the outbox. */
package dev.mercato.payments.events;
