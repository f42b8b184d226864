/**
 * Accounting: its own copy of the order facts it needs, learned from events only, and a double-entry journal per merchant.
 */
package dev.mercato.accounting;
