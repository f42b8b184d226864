/**
 * Payments: payment intents against a provider (authorize, capture, void, refund), each idempotent, so that
 * no order is ever charged twice. A payment id is chosen by the caller (checkout uses one per order); each
 * operation reaches the provider with a key derived from it and the operation, retries lost answers with
 * that same key, and records the outcome with its event in one transaction. States: AUTHORIZED or DECLINED,
 * then CAPTURED (on shipment) or VOIDED (a cancel before capture, or a failed checkout), and REFUNDED (a
 * cancel after capture).
 */
package dev.mercato.payments;
