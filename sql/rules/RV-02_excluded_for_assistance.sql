-- code: RV-02
-- title: 以享受低保/特困为由不纳入监测
-- category: 研判程序
-- severity: high
-- level: household
-- needs: review
-- uses: gs
-- action: 重新研判；不得以落实低保、特困供养为由不识别监测帮扶对象
-- basis: 集中排查工作方案 一(一)；坚决杜绝以落实低保为由不识别监测帮扶对象
-- description: 研判台账有结论为不纳入的记录，其理由提到低保、特困或兜底。一户一条（户 = 关联人员的全国系统户，否则该人员），
-- description: 报给全国系统户主，否则研判记录关联的人员。
WITH excludes AS (
    SELECT r.*, g.hh
    FROM rule_review r
    LEFT JOIN (SELECT DISTINCT person_key, hh FROM rule_gs WHERE person_key IS NOT NULL) g ON g.person_key = r.person_key
    WHERE r.conclusion = 'exclude'
      AND regexp_matches(coalesce(r.reason, ''), '低保|特困|兜底')
)
SELECT coalesce('gs:' || e.hh, e.person_key, 'review:' || coalesce(e.id_number, e.id_raw, e.head_name)) AS subject,
       -- The gs household's 户主, else the person the review is about (rules.md: else the member that triggered it).
       CASE WHEN gh.heads > 0 THEN gh.head_key ELSE e.person_key END AS person_key,
       CASE WHEN gh.heads > 0 THEN gh.head_name ELSE coalesce(p.name, e.head_name) END AS name,
       CASE WHEN gh.heads > 0 THEN gh.head_id ELSE coalesce(p.id_number, e.id_number, e.id_raw) END AS id_number,
       coalesce(gh.county, p.county) AS county,
       coalesce(gh.town, p.town, e.town) AS town,
       coalesce(gh.village, p.village, e.village) AS village,
       gh.household_no,
       '研判台账：' || coalesce(strftime(e.reviewed_on, '%Y-%m-%d'), '日期不详') || '研判结论为不纳入，理由“' || trim(e.reason) || '”'
       AS detail
FROM excludes e
LEFT JOIN rule_gs_households gh ON gh.hh = e.hh
LEFT JOIN persons p ON p.person_key = e.person_key
