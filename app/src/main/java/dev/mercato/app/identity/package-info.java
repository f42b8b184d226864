/**
 * Identity: bearer tokens (JWT) carrying sub, role and merchant, checked on every route; and, in
 * embedded mode only, a development issuer so a person can try the API in their first five minutes.
 */
package dev.mercato.app.identity;
