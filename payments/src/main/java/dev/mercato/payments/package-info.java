/**
 * Payments: payment intents against a provider (authorize, capture, void, refund), each idempotent, so that no order is ever charged twice.
 */
package dev.mercato.payments;
