-- code: ZL-422
-- title: 技能劳动力未务工就业
-- category: 数据质量
-- national_code: 5_20_029, 5_20_031
-- severity: low
-- level: person
-- needs: gs, gs_work
-- columns: gs.labour
-- action: 了解本人就业情况；已就业的在务工监测中登记，未就业的落实就业帮扶或更正劳动技能
-- basis: 全国防止返贫监测信息系统疑点数据 5_20_029、5_20_031
-- description: 脱贫人口或监测对象，劳动技能为技能劳动力，公益性岗位为空，而没有是否已务工为“是”的已外出务工记录。报给本人。
SELECT g.person_key AS subject, g.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '全国系统：劳动技能为技能劳动力；务工监测：无已务工记录' AS detail
FROM rule_gs g
JOIN persons p ON p.person_key = g.person_key
LEFT JOIN rule_gs_workers w ON w.person_key = g.person_key
WHERE NOT g.again AND (coalesce(trim(g.household_type), '') = '脱贫户' OR g.member_monitored)
  AND trim(g.labour) = '技能劳动力' AND nullif(trim(g.public_post), '') IS NULL
  AND NOT coalesce(w.works, false)
