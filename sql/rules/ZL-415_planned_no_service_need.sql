-- code: ZL-415
-- title: 计划外出务工未填写就业服务需求
-- category: 数据质量
-- national_code: 5_15_008, 5_15_009
-- severity: low
-- level: row
-- needs: gs, gs_work
-- columns: gs_work.service_need
-- action: 了解本人就业服务需求，在务工监测计划外出务工信息中补录
-- basis: 全国防止返贫监测信息系统疑点数据 5_15_008、5_15_009
-- description: 脱贫人口或监测对象的计划外出务工记录，是否计划务工为“是”而就业服务需求为空。报给本人，各条合为一条。
SELECT w.person_key AS subject, w.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '务工监测：' || rule_work_spell_text(w.planned, NULL, NULL, w.work_county) || '就业服务需求为空' AS detail
FROM rule_gs_work w
JOIN persons p ON p.person_key = w.person_key
WHERE w.planned AND w.working AND w.in_scope AND nullif(trim(w.service_need), '') IS NULL
