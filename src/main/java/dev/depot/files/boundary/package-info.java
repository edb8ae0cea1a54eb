/**
 * HTTP only: resources, request/response records, the one exception mapper that turns every failure
 * into {@code application/problem+json} (RFC 9457), and the one servlet filter that refuses
 * dot-segments before a server re-routes them. Must not touch {@code java.nio.file} or the {@code
 * EntityManager}; it delegates to the control layer.
 */
package dev.depot.files.boundary;
