/**
 * Concurrent writes of one kind combined into one transaction: {@link dev.mercato.plane.batch.Combiner}.
 * It is how a capability takes many checkouts' rows in a few set-based statements and one commit, instead
 * of a transaction per checkout, without changing what each caller sees: its own outcome, after the commit
 * that holds its rows.
 */
package dev.mercato.plane.batch;
