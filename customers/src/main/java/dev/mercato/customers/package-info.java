/**
 * Customers: customer profiles with their country and addresses, the merchants that sell on the
 * platform, and the roles people act in. The single writer of who is who.
 */
package dev.mercato.customers;
