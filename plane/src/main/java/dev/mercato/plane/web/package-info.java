/** Shapes every capability's HTTP layer shares by contract (API.md): money and pagination cursors. */
package dev.mercato.plane.web;
