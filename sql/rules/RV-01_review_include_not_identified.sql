-- code: RV-01
-- title: 研判结论为纳入但未识别为监测对象
-- category: 研判程序
-- severity: high
-- level: household
-- needs: review, gs
-- columns: gs.monitor_type
-- action: 按程序将该户识别为监测对象并录入全国系统；确不符合的补充研判记录说明理由
-- basis: 集中排查工作方案 一(一)；防止返贫动态监测和帮扶工作规程
-- description: 研判台账有结论为纳入监测的记录，研判日期不晚于 as_of 前 identify_days 天，而该户在全国系统中未纳入监测
-- description: （户 = 研判记录所关联人员的全国系统户；不在全国系统的也算未纳入）。以台账原文为准：同户后来又有不纳入的研判记录也照报，
-- description: 由村核实说明。一户一条，报给全国系统户主（不在全国系统的报给研判记录关联的人员）。
WITH includes AS (
    SELECT r.*, g.hh
    FROM rule_review r
    LEFT JOIN (SELECT DISTINCT person_key, hh FROM rule_gs WHERE person_key IS NOT NULL) g ON g.person_key = r.person_key
    WHERE r.conclusion = 'include'
      -- A review dated to the month only is overdue only when its whole month is.
      AND rule_last_day(r.reviewed_on, r.reviewed_on_precision) <= $as_of::DATE - $identify_days::INTEGER
),
households AS (
    SELECT coalesce('gs:' || hh, person_key, 'review:' || coalesce(id_number, id_raw, head_name)) AS household,
           any_value(hh) AS hh,
           min(reviewed_on) AS reviewed_on,
           arg_min(reviewed_on_precision, (reviewed_on, file_id, row_no)) AS prec,
           arg_min(person_key, (reviewed_on, file_id, row_no)) AS person_key,
           arg_min(coalesce(id_number, id_raw), (reviewed_on, file_id, row_no)) AS id_number,
           arg_min(head_name, (reviewed_on, file_id, row_no)) AS head_name,
           arg_min(town, (reviewed_on, file_id, row_no)) AS town,
           arg_min(village, (reviewed_on, file_id, row_no)) AS village
    FROM includes
    GROUP BY ALL
)
SELECT h.household AS subject,
       -- The gs household's 户主, else the person the review is about (rules.md: else the member that triggered it).
       CASE WHEN gh.heads > 0 THEN gh.head_key ELSE h.person_key END AS person_key,
       CASE WHEN gh.heads > 0 THEN gh.head_name ELSE coalesce(p.name, h.head_name) END AS name,
       CASE WHEN gh.heads > 0 THEN gh.head_id ELSE coalesce(p.id_number, h.id_number) END AS id_number,
       coalesce(gh.county, p.county) AS county,
       coalesce(gh.town, p.town, h.town) AS town,
       coalesce(gh.village, p.village, h.village) AS village,
       gh.household_no,
       '研判台账：' || rule_date_text(h.reviewed_on, h.prec) || '研判结论为纳入监测；全国系统：'
         || CASE WHEN gh.hh IS NULL THEN '无该户' ELSE '户编号' || gh.household_no || '未纳入监测' END
         || '（研判后已超过' || $identify_days || '天）'
       AS detail
FROM households h
LEFT JOIN rule_gs_households gh ON gh.hh = h.hh
LEFT JOIN persons p ON p.person_key = h.person_key
WHERE NOT coalesce(gh.monitored, false)
