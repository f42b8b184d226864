/**
 * Events cart publishes, on topic {@code mercato.cart}, keyed by the cart's merchant and id. A cart emits
 * nothing until its first line gives it a merchant: then {@link dev.mercato.cart.events.CartCreated} and
 * {@link dev.mercato.cart.events.LineChanged}; later more line changes and one of {@link
 * dev.mercato.cart.events.CartMerged}, {@link dev.mercato.cart.events.CartConverted} or {@link
 * dev.mercato.cart.events.CartExpired}.
 */
package dev.mercato.cart.events;
