/**
 * The composition root: it reads the settings, starts or connects to the stores, lets every capability
 * wire itself onto its own store, and serves the HTTP API. It holds no business rules.
 */
package dev.mercato.app;
