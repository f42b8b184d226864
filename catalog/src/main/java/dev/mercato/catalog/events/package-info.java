/** Events the catalog publishes to the log (product upserted, price changed, retired): added with the outbox. */
package dev.mercato.catalog.events;
