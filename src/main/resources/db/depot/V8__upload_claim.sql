-- Issue 16: the one request that writes to a resumable upload claims it in the database, so that two
-- instances never write one upload's bytes at once (PATCHes of one upload may land on different
-- instances behind a balancer). A claim is a lease: claimed_by is the request's random token,
-- claimed_until_ms (epoch milliseconds) when the lease runs out unless its holder renews it; a claim
-- whose lease ran out (its instance died) may be taken over. Both null: nobody writes.
ALTER TABLE resumable_upload ADD COLUMN claimed_by VARCHAR(36);
ALTER TABLE resumable_upload ADD COLUMN claimed_until_ms BIGINT;
