/**
 * HTTP only: resources, request/response records, the HTTP rules that are pure syntax and semantics
 * (byte ranges, entity tags, conditional requests, HTTP dates, Content-Disposition), and the one
 * exception mapper that turns every failure into {@code application/problem+json} (RFC 9457), and the
 * one servlet filter that refuses dot-segments before a server re-routes them, and the one response
 * filter that tells {@code dev.depot.access}'s audit trail what each exchange did. Must not
 * touch {@code java.nio.file} or the {@code EntityManager}; it delegates to the control layer. Every
 * resource method asks {@code AccessPolicy} before it reads a request body ({@code /links} makes the
 * signed links {@code dev.depot.access} verifies). Only
 * portable JAX-RS API is used (no Jersey or RESTEasy types), so the WAR runs on either.
 */
package dev.depot.files.boundary;
