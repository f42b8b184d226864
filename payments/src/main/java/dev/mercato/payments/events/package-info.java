/**
 * Events payments publishes, one per state a payment intent reaches, keyed by the payment id: authorized,
 * declined, captured, voided, refunded. Each carries the payment's merchant, customer, amount and the
 * provider's authorization reference, so a consumer needs no other read to account for it.
 */
package dev.mercato.payments.events;
