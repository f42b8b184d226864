/**
 * Orders: checkout as an orchestrated saga, orders and their lines, the order state machine and idempotency records. The single writer of what was ordered.
 */
package dev.mercato.orders;
