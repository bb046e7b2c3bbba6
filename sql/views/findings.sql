-- The findings of the latest run (resolved ones are only in findings_history). Columns only grow.
-- not_rechecked is set on a finding whose rule did not run this run: it is carried as it was (status open,
-- last_seen the last date it was checked) and not_rechecked says why (本次未复核).
CREATE OR REPLACE VIEW findings AS
SELECT finding_id, rule, title, severity, county, town, village, household_no, name, id_number,
       detail, action, status, first_seen, last_seen, level, subject, person_key,
       feedback, verification, verification_note, not_rechecked
FROM findings_history
WHERE run_id = (SELECT max(run_id) FROM runs)
  AND status <> 'resolved';
