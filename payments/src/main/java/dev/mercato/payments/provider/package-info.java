/**
 * The payment provider port and its simulation. Payments reaches a provider the way it would reach a real
 * one over a network: every call carries the caller's idempotency key, a call may fail before the provider
 * acts or after it acted with the answer lost, and the provider refuses what its own records forbid. The
 * {@link dev.mercato.payments.provider.SimulatedProvider} does all of that in process, with configurable
 * latency and failure rate, and keeps the ledger of every money movement that tests check.
 */
package dev.mercato.payments.provider;
