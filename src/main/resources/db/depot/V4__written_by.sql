-- Who stored each path first and who wrote its current bytes (issue 13): the authenticated caller's
-- name, with " (link)" when the write came through a signed link. Null for rows written before Depot
-- knew its callers and for files adopted by startup recovery.
ALTER TABLE stored_file ADD COLUMN created_by VARCHAR(255);
ALTER TABLE stored_file ADD COLUMN modified_by VARCHAR(255);
