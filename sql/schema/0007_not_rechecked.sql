-- A finding whose rule could not run this run (its source kind missing, failed or refused) is carried into the
-- run as it was, with its last_seen (the last date it was checked) kept, and the reason here; NULL when the
-- rule ran and saw it.
ALTER TABLE findings_history ADD COLUMN not_rechecked VARCHAR; -- 本次未复核: why the rule did not run

-- Rows of a sheet that an earlier file of the same kind had too, value for value: not loaded (counted once).
-- A sheet that lost rows so is read again by the next run rather than carried, as the earlier file may be gone.
ALTER TABLE files ADD COLUMN rows_duplicate BIGINT;
