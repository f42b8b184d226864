/**
 * Events on the wire: a CloudEvents 1.0 envelope with Mercato's extensions (merchant, aggregate id,
 * per-aggregate sequence, schema version, trace id) and a JSON payload. Types are logical names with a
 * version ({@code orders.order-placed.v1}), never Java class names, so a class can be renamed and an old
 * event still read.
 */
package dev.mercato.plane.events;
