-- Stores (issue 11): each results directory Depot writes to is a store, named by the id in its marker
-- file (.depot-store) and recorded here, so that a start against an empty or wrong directory (an
-- unmounted volume, a missing DEPOT_RESULTS_DIR) is recognised instead of taken for a store whose files
-- were all lost, and so that files written before a change of depot.results-dir stay where they are.
-- Rows written before this migration have no store yet: the first start claims them for the results
-- directory that still holds their files.
--
-- file_mtime_ns is the modification time (nanoseconds since the epoch) of the file a row describes, as
-- it was published: with the size, a cheap fingerprint that tells whether the bytes on disk are still
-- the ones whose SHA-256 the row holds (a download re-hashes only when it differs).
CREATE TABLE depot_store (
  id       VARCHAR(36)                 NOT NULL,
  location VARCHAR(4096)               NOT NULL,
  created  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  CONSTRAINT pk_depot_store PRIMARY KEY (id)
);

ALTER TABLE stored_file ADD COLUMN store_id VARCHAR(36);
ALTER TABLE stored_file ADD COLUMN file_mtime_ns BIGINT;
ALTER TABLE stored_file ADD CONSTRAINT fk_stored_file_store FOREIGN KEY (store_id) REFERENCES depot_store (id);
CREATE INDEX ix_stored_file_store ON stored_file (store_id, path);
