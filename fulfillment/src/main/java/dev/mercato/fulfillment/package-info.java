/**
 * Fulfillment: pick lists, picks, packages and shipments for placed orders; a pick commits the reservation and lowers on-hand.
 */
package dev.mercato.fulfillment;
