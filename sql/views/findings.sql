-- The findings of the latest run (resolved ones are only in findings_history). Columns only grow.
-- not_rechecked is set on a finding whose rule did not run this run: it is carried as it was (status open,
-- last_seen the last date it was checked) and not_rechecked says why (本次未复核).
-- category is the rule's (部门比对, 数据质量, 研判程序) from rule_catalogue; NULL for a rule no longer in it.
CREATE OR REPLACE VIEW findings AS
SELECT f.finding_id, f.rule, f.title, f.severity, f.county, f.town, f.village, f.household_no, f.name, f.id_number,
       f.detail, f.action, f.status, f.first_seen, f.last_seen, f.level, f.subject, f.person_key,
       f.feedback, f.verification, f.verification_note, f.not_rechecked, c.category
FROM findings_history f
LEFT JOIN rule_catalogue c ON c.code = f.rule
WHERE f.run_id = (SELECT max(run_id) FROM runs)
  AND f.status <> 'resolved';
