-- code: ZL-401
-- title: 务工开始时间为空
-- category: 数据质量
-- national_code: 3_12_001
-- severity: low
-- level: row
-- needs: gs, gs_work
-- columns: gs_work.start_on
-- action: 在务工监测中补录务工开始时间
-- basis: 全国防止返贫监测信息系统疑点数据 3_12_001
-- description: 已外出务工信息（不含计划外出务工）中一条务工记录的开始时间为空或无法识别。务工记录须与全国系统人员对应；
-- description: 同一人的各条合为一条，报给本人。
SELECT w.person_key AS subject, w.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '务工监测：' || CASE WHEN w.working THEN '已务工' WHEN NOT w.working THEN '未务工' ELSE '是否已务工为空' END
         || '的务工记录' || coalesce('（' || nullif(trim(w.work_county), '') || '）', '') || '开始时间为空' AS detail
FROM rule_gs_work w
JOIN persons p ON p.person_key = w.person_key
WHERE NOT coalesce(w.planned, false) AND w.start_on IS NULL
