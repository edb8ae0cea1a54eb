/**
 * What access keeps in the database: the audit trail ({@link dev.depot.access.entity.AuditRecord}).
 * Plain JPA entities with their named queries; no HTTP, no decisions.
 */
package dev.depot.access.entity;
