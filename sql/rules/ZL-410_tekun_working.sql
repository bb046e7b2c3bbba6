-- code: ZL-410
-- title: 特困供养人员外出务工
-- category: 数据质量
-- national_code: 5_01_004, 5_12_003
-- severity: medium
-- level: person
-- needs: gs, gs_work
-- columns: gs.tekun
-- action: 核实特困供养资格和务工情况；有劳动能力且务工的，商民政部门复核特困供养
-- basis: 全国防止返贫监测信息系统疑点数据 5_01_004、5_12_003；《特困人员认定办法》第六条
-- description: 脱贫人口或监测对象的享受特困供养政策情况为农村特困、城市特困或“是”（即不为空、不享受、否、未享受），
-- description: 而有是否已务工为“是”的已外出务工记录。报给本人。
SELECT g.person_key AS subject, g.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '全国系统：享受特困供养政策情况为' || trim(g.tekun) || '；务工监测：已务工' AS detail
FROM rule_gs g
JOIN rule_gs_workers w ON w.person_key = g.person_key AND w.works
JOIN persons p ON p.person_key = g.person_key
WHERE NOT g.again AND (coalesce(trim(g.household_type), '') = '脱贫户' OR g.member_monitored)
  AND coalesce(trim(g.tekun), '') NOT IN ('', '不享受', '否', '未享受', '无')
