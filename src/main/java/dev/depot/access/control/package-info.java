/**
 * Access decisions as plain logic, with no server, HTTP or CDI types, so that they are unit tested
 * without one: {@link dev.depot.access.control.JwtVerifier} (who a bearer token says is asking, and in
 * which groups). Its failures carry messages fit for a client: they never include a token or key
 * material.
 */
package dev.depot.access.control;
