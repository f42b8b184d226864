/**
 * Accounting: its own copy of the order facts it needs, learned from events only, and a double-entry
 * journal per merchant (captures book cash against revenue, refunds reverse them). Everything it knows is
 * a view of the orders and payments logs, so it can be rebuilt from the log and never reads another
 * capability's tables. See {@code docs/accounting.md}.
 */
package dev.mercato.accounting;
