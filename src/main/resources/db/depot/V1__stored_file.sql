-- The metadata of stored files (dev.depot.files.entity.StoredFile). Written for both H2 2.2 (Payara's
-- embedded default) and PostgreSQL 15; runs once, recorded in depot_schema_history.
--
-- created/modified hold instants: TIMESTAMP WITH TIME ZONE, with the microsecond precision both
-- databases keep (Depot truncates to microseconds before storing, so answers match later reads).
-- IF NOT EXISTS: a development database whose table an earlier Depot created through JPA DDL
-- generation is baselined and kept as it is.
CREATE TABLE IF NOT EXISTS stored_file (
  id                VARCHAR(36)                 NOT NULL,
  path              VARCHAR(1024)               NOT NULL,
  size_bytes        BIGINT                      NOT NULL,
  sha256            VARCHAR(64)                 NOT NULL,
  content_type      VARCHAR(255)                NOT NULL,
  original_filename VARCHAR(1024),
  created           TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  modified          TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  version           BIGINT                      NOT NULL,
  CONSTRAINT pk_stored_file PRIMARY KEY (id),
  CONSTRAINT uk_stored_file_path UNIQUE (path)
);
