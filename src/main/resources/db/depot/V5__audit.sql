-- The audit trail (issue 13): one row per write, replace, delete, signed-link creation and refused
-- attempt (401, 403, 507 QUOTA_EXCEEDED), written by dev.depot.access.control.AuditRecords and deleted
-- after depot.audit-retention. Portable SQL for H2 2.2 and PostgreSQL 15: an application-made UUID as
-- id (no IDENTITY: EclipseLink's IDENTITY DDL is rejected by H2 2.2, and AUTO means different things
-- on EclipseLink and Hibernate).
--
-- principal is the caller's actor name ("alice", "alice (link)"), null when anonymous;
-- claimed_principal is the user name of refused Basic credentials or sign-in (INVALID_CREDENTIALS), null
-- otherwise, so that password guessing names whom it targets; path, size, sha256 and problem_code
-- are null where they do not apply (a multipart refused before its first part has no path, a delete
-- no digest, a success no problem). Text the client sent has its control characters replaced
-- (PostgreSQL refuses U+0000) and is cut to its column: see dev.depot.access.entity.AuditRecord.
CREATE TABLE audit_record (
  id             VARCHAR(36)                 NOT NULL,
  recorded_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  principal      VARCHAR(255),
  claimed_principal VARCHAR(255),
  remote_address VARCHAR(255),
  action         VARCHAR(32)                 NOT NULL,
  path           VARCHAR(1024),
  size_bytes     BIGINT,
  sha256         VARCHAR(64),
  status         INTEGER                     NOT NULL,
  problem_code   VARCHAR(64),
  CONSTRAINT pk_audit_record PRIMARY KEY (id)
);

-- Pages are read newest first from a (time, id) cursor, and the retention sweep deletes the oldest.
CREATE INDEX ix_audit_record_time ON audit_record (recorded_at, id);
