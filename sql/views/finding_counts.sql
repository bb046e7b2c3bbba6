-- finding_counts: the findings of every run counted by place, rule and status. It is the one count that the run
-- summary, the town summary 汇总.xlsx and `bidui runs --villages` read, so that they always agree.
--
--   town, village  trimmed; a name that is NULL, empty or only blanks is unknown, NULL here. Readers show an
--                  unknown town as 未知乡镇 and an unknown village as 未落村 (settling already names the village
--                  of a finding that has none 未落村, so village is NULL only in rows written by hand).
--   rule, status   as in findings_history: status is new, open, waived or resolved.
--   title          the findings' own title of the rule, for a rule no longer in rule_catalogue.
--   findings       how many findings.
--   feedback_still_present
--                  of those, the ones a returned workbook answered 已修正 that the run still raises (feedback
--                  已反馈修正仍存在). Only new and open findings count; settling sets feedback on no other.
--   category       the rule's category in rule_catalogue (部门比对, 研判程序, 数据质量); NULL for a rule no longer
--                  in the catalogue.
CREATE OR REPLACE VIEW finding_counts AS
SELECT h.run_id,
       nullif(trim(h.town), '') AS town,
       nullif(trim(h.village), '') AS village,
       h.rule,
       h.status,
       max(h.title) AS title,
       count(*) AS findings,
       count(h.feedback) FILTER (WHERE h.status IN ('new', 'open')) AS feedback_still_present,
       c.category
FROM findings_history h
LEFT JOIN rule_catalogue c ON c.code = h.rule
GROUP BY ALL;
