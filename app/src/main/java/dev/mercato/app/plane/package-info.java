/** Wires the data-plane kernel (outboxes, relays, the log publisher) and serves its operations API. */
package dev.mercato.app.plane;
