-- code: ZL-408
-- title: 务工或公益性岗位人员无劳动能力
-- category: 数据质量
-- national_code: 2_01_015, 2_12_004, 5_15_006
-- severity: medium
-- level: person
-- needs: gs, gs_work
-- columns: gs.labour
-- action: 核实劳动技能和务工情况，在全国系统或务工监测中更正
-- basis: 全国防止返贫监测信息系统疑点数据 2_01_015、2_12_004、5_15_006
-- description: 脱贫人口或监测对象的劳动技能为无劳动力或丧失劳动力，而有是否已务工为“是”的已外出务工记录、是否计划务工为“是”的
-- description: 计划外出务工记录，或全国系统公益性岗位已填写。弱劳动力或半劳动力不在此列。报给本人。
SELECT g.person_key AS subject, g.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '全国系统：劳动技能为' || trim(g.labour) || '，但'
         || concat_ws('、', CASE WHEN w.works THEN '务工监测中已务工' END,
                            CASE WHEN w.plans THEN '计划外出务工' END,
                            CASE WHEN nullif(trim(g.public_post), '') IS NOT NULL THEN '有公益性岗位“' || trim(g.public_post) || '”' END) AS detail
FROM rule_gs g
JOIN persons p ON p.person_key = g.person_key
LEFT JOIN rule_gs_workers w ON w.person_key = g.person_key
WHERE NOT g.again AND g.labour_none AND (coalesce(trim(g.household_type), '') = '脱贫户' OR g.member_monitored)
  AND (coalesce(w.works, false) OR coalesce(w.plans, false) OR nullif(trim(g.public_post), '') IS NOT NULL)
