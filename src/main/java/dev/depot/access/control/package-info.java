/**
 * Access decisions as plain logic, with no server, HTTP or CDI types, so that they are unit tested
 * without one: {@link dev.depot.access.control.JwtVerifier} (who a bearer token says is asking, and in
 * which groups) and {@link dev.depot.access.control.LinkSigner} (links that grant one method on one
 * path until a time, like S3 presigned URLs). Their failures carry messages fit for a client: they never
 * include a token, a signature or key material. {@link dev.depot.access.control.Quotas} resolves
 * which quota applies to a caller (user, groups, default); {@link dev.depot.access.control.UploadSlots}
 * caps each caller's uploads in progress.
 */
package dev.depot.access.control;
