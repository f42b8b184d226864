/**
 * Admission control: a bounded number of requests of one kind inside at once, and a short bounded wait for
 * a place, so that beyond capacity a request is refused at once, before it touches a store, instead of
 * queueing for pooled connections in the middle of its work. How many are inside is public, for whatever
 * wants to read the pressure (metrics, and later the data plane's own pacing).
 */
package dev.mercato.plane.admission;
