/**
 * The payment provider port and its simulation. Payments reaches a provider the way it would reach a real
 * one over a network: every call carries the caller's idempotency key, a call may fail before the provider
 * acts or after it acted with the answer lost, and the provider refuses what its own records forbid. The
 * {@link dev.mercato.payments.provider.SimulatedProvider} does all of that in process, with configurable
 * latency and failure rate, and keeps the ledger of every money movement that tests check. Like a real
 * provider it remembers in a database of its own (schema {@code provider}), so its keys and its ledger
 * outlive the platform's process; an in-memory store with the same behaviour serves fast tests.
 */
package dev.mercato.payments.provider;
