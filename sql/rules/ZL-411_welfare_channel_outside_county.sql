-- code: ZL-411
-- title: 县外务工就业渠道为公益岗位或帮扶车间
-- category: 数据质量
-- national_code: 5_01_003, 5_12_002
-- severity: medium
-- level: row
-- needs: gs, gs_work
-- columns: gs_work.work_county, gs_work.channel, gs.county
-- action: 核实务工所在县和就业渠道，在务工监测中更正
-- basis: 全国防止返贫监测信息系统疑点数据 5_01_003、5_12_002
-- description: 脱贫人口或监测对象的已外出务工记录，务工所在县已填写、不是“本县”且不含本人全国系统所在县的名称（县外务工），
-- description: 而就业渠道含“公益”或“帮扶车间”。本人所在县为空的不判断。同一人的各条合为一条，报给本人。
SELECT w.person_key AS subject, w.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '务工监测：' || rule_work_spell_text(w.planned, w.start_on, w.start_on_precision, w.work_county)
         || '在' || trim(p.county) || '以外，就业渠道为' || trim(w.channel) AS detail
FROM rule_gs_work w
JOIN persons p ON p.person_key = w.person_key
WHERE NOT coalesce(w.planned, false) AND w.in_scope
  AND rule_work_outside(w.work_county, p.county)
  AND (w.channel LIKE '%公益%' OR w.channel LIKE '%帮扶车间%')
