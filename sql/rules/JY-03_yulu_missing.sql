-- code: JY-03
-- title: 中高职学生未享受雨露计划
-- category: 部门比对
-- severity: medium
-- level: person
-- needs: gs, education
-- columns: education.aid
-- action: 落实雨露计划职业教育补助，并在全国系统教育帮扶中录入
-- basis: 集中排查工作方案 二(二)；雨露计划职业教育补助政策
-- description: 学籍在读、学段为中职或高职的学生，所在全国系统户为脱贫户或未消除风险的监测户，全国系统教育帮扶（户内任一成员行）
-- description: 和学籍资助项目都没有“雨露计划”。报给学生本人。
SELECT g.person_key AS subject, g.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '学籍：' || coalesce(e.school, '') || trim(e.stage) || '在读，资助项目' || coalesce('“' || e.aid || '”', '为空')
         || '；全国系统：' || CASE WHEN h.poverty_exited THEN '脱贫户' ELSE '监测户' END || '，教育帮扶'
         || coalesce('“' || list_aggregate(list_transform(list_filter(h.measures, m -> m.category = '教育帮扶'), m -> trim(m.text)), 'string_agg', '、') || '”', '为空')
         || '，无雨露计划' AS detail
FROM rule_gs g
JOIN rule_gs_households h USING (hh)
JOIN rule_education_latest e ON e.person_key = g.person_key
JOIN persons p ON p.person_key = g.person_key
WHERE e.enrolled
  AND trim(e.stage) IN ('中职', '高职')
  AND (h.poverty_exited OR h.open_monitored)
  AND NOT coalesce(list_bool_or(list_transform(h.measures, m -> m.category = '教育帮扶' AND m.text LIKE '%雨露计划%')), false)
  AND coalesce(e.aid, '') NOT LIKE '%雨露计划%'
