-- Resumable uploads (issue 14, tus 1.0): one row per upload in progress, so that an upload survives a
-- restart of Depot and, later, can be shared by several instances. upload_offset is the committed
-- offset: bytes up to it are on disk (fsynced when depot.fsync is on) before the row says so. The
-- received bytes live in <temp>/.depot-resumable/<id>.part of the store named by store_id.
--   target_path      where the file is published at completion; null for a partial upload
--                    (concatenation), which is only ever part of a final upload
--   upload_length    null while the length is deferred (Upload-Defer-Length)
--   concat           none, partial or final; parts = the final upload's partial ids, in order
--   state            active, complete (published, or a partial with all its bytes) or consumed
--                    (a partial whose bytes went into a final upload)
--   expires_at       last activity + depot.uploads.expire-after; the sweeper removes the row and its bytes
--   version          optimistic lock: an offset is committed only over the version it was read at
CREATE TABLE resumable_upload (
  id                VARCHAR(36)                 NOT NULL,
  owner             VARCHAR(255)                NOT NULL,
  target_path       VARCHAR(1024),
  store_id          VARCHAR(36)                 NOT NULL,
  upload_length     BIGINT,
  upload_offset     BIGINT                      NOT NULL,
  metadata          VARCHAR(4096),
  content_type      VARCHAR(255),
  original_filename VARCHAR(1024),
  create_only       BOOLEAN                     NOT NULL,
  concat            VARCHAR(8)                  NOT NULL,
  parts             VARCHAR(8000),
  state             VARCHAR(16)                 NOT NULL,
  sha256            VARCHAR(64),
  created_at        TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  expires_at        TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  version           BIGINT                      NOT NULL,
  CONSTRAINT pk_resumable_upload PRIMARY KEY (id)
);
CREATE INDEX ix_resumable_upload_expires ON resumable_upload (expires_at);
