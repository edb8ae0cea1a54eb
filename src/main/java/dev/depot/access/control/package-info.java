/**
 * Access decisions as plain logic, unit tested without a server: {@link
 * dev.depot.access.control.JwtVerifier} (who a bearer token says is asking, and in which groups), {@link
 * dev.depot.access.control.LinkSigner} (links that grant one method on one path until a time, like S3
 * presigned URLs), {@link dev.depot.access.control.AccessPolicy} over the grants. Their failures carry
 * messages fit for a client: they never include a token, a signature or key material. {@link
 * dev.depot.access.control.Quotas} resolves which quota applies to a caller (user, groups, default);
 * {@link dev.depot.access.control.UploadSlots} caps each caller's uploads in progress.
 *
 * <p>The audit trail is kept here too ({@link dev.depot.access.control.AuditTrail} over the JPA
 * repository {@link dev.depot.access.control.AuditRecords}): it stores what the file API reports as
 * {@link dev.depot.access.control.AuditEntry} values and knows no HTTP type.
 */
package dev.depot.access.control;
