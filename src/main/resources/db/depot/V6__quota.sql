-- Quotas (issue 13): a user's usage is what the rows they last wrote add up to, SUM(size_bytes) and
-- COUNT(*) WHERE modified_by IN ('alice', 'alice (link)'), asked before each upload of a user with a
-- quota. With size_bytes in the index as well, the database answers from the index alone (an
-- index-only scan on PostgreSQL) instead of visiting every row of the user. Plain SQL for H2 and
-- PostgreSQL alike.
CREATE INDEX ix_stored_file_modified_by ON stored_file (modified_by, size_bytes);
