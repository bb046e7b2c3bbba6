-- code: YB-03
-- title: 应资助参保未资助
-- category: 部门比对
-- severity: high
-- level: person
-- needs: medical
-- uses: gs, dibao, tekun
-- columns: medical.subsidy_category
-- action: 落实分类资助参保政策，补录资助参保类别
-- basis: 集中排查工作方案 二(二)；医疗保障分类资助参保政策
-- description: 在 as_of 在保的低保对象或特困人员，或未消除风险监测户的成员，最近年度以城乡居民医保参保而资助参保类别为空或“无”。报给本人。
WITH reasons AS (
    SELECT person_key, '民政低保名册：在保低保对象' AS why FROM rule_on_dibao($as_of::DATE)
    UNION ALL
    SELECT person_key, '民政特困人员名册：在保特困人员' FROM rule_on_tekun($as_of::DATE)
    UNION ALL
    SELECT g.person_key, '全国系统：未消除风险监测户（户编号' || h.household_no || '）成员'
    FROM rule_gs g JOIN rule_gs_households h USING (hh)
    WHERE g.person_key IS NOT NULL AND h.open_monitored
),
entitled AS (
    SELECT person_key, string_agg(DISTINCT why, '；' ORDER BY why) AS why FROM reasons GROUP BY person_key
)
SELECT m.person_key AS subject, m.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       e.why || '；医保：' || coalesce(m.year::VARCHAR || '年度', '') || '城乡居民医保参保，资助参保类别为'
         || CASE WHEN nullif(trim(m.subsidy_category), '') IS NULL THEN '空' ELSE '“无”' END AS detail
FROM rule_medical_latest m
JOIN entitled e ON e.person_key = m.person_key
JOIN persons p ON p.person_key = m.person_key
WHERE m.insured
  AND m.insurance_type = 'resident'
  AND coalesce(nullif(trim(m.subsidy_category), ''), '无') = '无'
