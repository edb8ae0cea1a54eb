/**
 * HTTP only: resources, request/response records, and the one exception mapper that turns every
 * failure into {@code application/problem+json} (RFC 9457). Must not touch {@code java.nio.file} or the
 * {@code EntityManager}; it delegates to the control layer.
 */
package dev.depot.files.boundary;
