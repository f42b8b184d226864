/** Who is calling: the identity every route checks roles and tenancy against. */
package dev.mercato.plane.security;
