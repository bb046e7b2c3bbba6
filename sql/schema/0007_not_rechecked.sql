-- A finding whose rule could not run this run (its source kind missing, failed or refused) is carried into the
-- run as it was, with its last_seen (the last date it was checked) kept, and the reason here; NULL when the
-- rule ran and saw it.
ALTER TABLE findings_history ADD COLUMN not_rechecked VARCHAR; -- 本次未复核: why the rule did not run
