/**
 * The data-plane kernel: the mechanisms every capability and every derived view shares. It starts and
 * provisions the stores (a real PostgreSQL, the Kafka log), gives each capability its own schema and
 * database role, and, in later packages, carries events from each capability's outbox to the log and
 * from the log into derived views. Plain Java: Spring only wires it.
 */
package dev.mercato.plane;
