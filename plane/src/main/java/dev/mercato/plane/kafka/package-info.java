/**
 * The log adapter: the only package that speaks to Kafka, as a client and, in the one-machine mode, as
 * the in-process broker it starts.
 */
package dev.mercato.plane.kafka;
