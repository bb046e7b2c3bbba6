-- code: ZL-403
-- title: 务工地点未填写到县级
-- category: 数据质量
-- national_code: 4_12_001, 5_01_005
-- severity: low
-- level: row
-- needs: gs, gs_work
-- columns: gs_work.work_county
-- action: 在务工监测中补录务工所在县；全国系统务工所在地填写到县（区、市、旗）
-- basis: 全国防止返贫监测信息系统疑点数据 4_12_001、5_01_005
-- description: 脱贫人口或监测对象有下列情形之一：已外出务工记录的务工所在县为空，或计划外出务工记录（是否计划务工为“是”）的
-- description: 计划务工所在县为空；有已外出务工记录，而全国系统务工所在地已填写却不含“县”“区”“市”“旗”任一字。报给本人，各条合为一条。
SELECT w.person_key AS subject, w.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '务工监测：' || rule_work_spell_text(w.planned, w.start_on, w.start_on_precision, NULL)
         || CASE WHEN w.planned THEN '计划务工所在县为空' ELSE '务工所在县为空' END AS detail
FROM rule_gs_work w
JOIN persons p ON p.person_key = w.person_key
WHERE w.in_scope AND nullif(trim(w.work_county), '') IS NULL
  AND (NOT coalesce(w.planned, false) OR coalesce(w.working, false))
UNION ALL
SELECT g.person_key, g.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '全国系统：务工所在地“' || trim(g.work_place) || '”未写到县（区、市、旗）'
FROM rule_gs g
JOIN persons p ON p.person_key = g.person_key
WHERE NOT g.again AND (coalesce(trim(g.household_type), '') = '脱贫户' OR g.member_monitored)
  AND nullif(trim(g.work_place), '') IS NOT NULL
  AND NOT regexp_matches(g.work_place, '[县区市旗]')
  AND g.person_key IN (SELECT person_key FROM rule_gs_work WHERE NOT coalesce(planned, false))
