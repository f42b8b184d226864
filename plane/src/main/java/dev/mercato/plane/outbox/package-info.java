/**
 * The transactional outbox: a capability appends events on the same connection and in the same
 * transaction as its business rows (no dual writes), and a relay publishes committed rows to the log in
 * order, at least once. One relay per capability holds a lease at a time, so two running relays never
 * reorder an aggregate's events.
 */
package dev.mercato.plane.outbox;
