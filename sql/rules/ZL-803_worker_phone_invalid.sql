-- code: ZL-803
-- title: 务工人员联系电话不是有效手机号
-- category: 数据质量
-- national_code: 2_01_013, 2_01_014, 2_12_007
-- severity: low
-- level: person
-- needs: gs, gs_work
-- columns: gs.member_phone
-- action: 核实务工人员本人手机号码，在全国系统家庭成员联系电话中更正
-- basis: 全国防止返贫监测信息系统疑点数据 2_01_013、2_01_014、2_12_007
-- description: 脱贫人口或监测对象在务工（有是否已务工为“是”的已外出务工记录，或全国系统务工所在地已填写，或就业渠道含“务工”），
-- description: 而家庭成员联系电话为空或不是有效手机号（去掉空格和短横后为1开头、第二位3至9的11位数字）。报给本人。
SELECT g.person_key AS subject, g.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '全国系统：' || CASE WHEN coalesce(w.works, false) THEN '务工监测中已务工' ELSE '务工所在地或就业渠道已填写' END
         || '，家庭成员联系电话' || coalesce('“' || nullif(trim(g.member_phone), '') || '”不是有效手机号', '为空') AS detail
FROM rule_gs g
JOIN persons p ON p.person_key = g.person_key
LEFT JOIN rule_gs_workers w ON w.person_key = g.person_key
WHERE NOT g.again AND (coalesce(trim(g.household_type), '') = '脱贫户' OR g.member_monitored)
  AND (coalesce(w.works, false) OR nullif(trim(g.work_place), '') IS NOT NULL OR g.work_channel LIKE '%务工%')
  AND NOT regexp_full_match(regexp_replace(coalesce(g.member_phone, ''), '[\s-]', '', 'g'), '1[3-9][0-9]{9}')
