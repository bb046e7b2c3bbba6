-- code: ZL-409
-- title: 在校生有务工登记
-- category: 数据质量
-- national_code: 4_01_006, 4_12_002
-- severity: medium
-- level: person
-- needs: gs, gs_work
-- columns: gs.school_status
-- action: 核实在校生状况和务工情况，在全国系统或务工监测中更正
-- basis: 全国防止返贫监测信息系统疑点数据 4_01_006、4_12_002
-- description: 脱贫人口或监测对象的在校生状况为学龄前儿童、学前教育、小学、初中（七至九年级）或高中，而有是否已务工为“是”的
-- description: 已外出务工记录或是否计划务工为“是”的计划外出务工记录。报给本人。
SELECT g.person_key AS subject, g.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '全国系统：在校生状况为' || trim(g.school_status) || '；务工监测：'
         || CASE WHEN w.works THEN '已务工' ELSE '计划外出务工' END AS detail
FROM rule_gs g
JOIN rule_gs_workers w ON w.person_key = g.person_key
JOIN persons p ON p.person_key = g.person_key
WHERE NOT g.again AND (coalesce(trim(g.household_type), '') = '脱贫户' OR g.member_monitored)
  AND (trim(g.school_status) = '学龄前儿童' OR rule_school_stage(trim(g.school_status)) IN ('学前', '小学', '初中', '高中'))
  AND (w.works OR w.plans)
