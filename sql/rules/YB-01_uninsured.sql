-- code: YB-01
-- title: 未参加基本医疗保险
-- category: 部门比对
-- severity: high
-- level: person
-- needs: gs, medical
-- columns: medical.insured_status|medical.insurance_type
-- action: 动员参加城乡居民基本医疗保险，符合条件的落实资助参保
-- basis: 集中排查工作方案 二(二)；加强同医保部门信息比对
-- description: 全国系统人员在医保数据中未参保：没有参保记录，或最近年度的记录（同年多条有一条参保即算）不是参保状态。报给本人。
-- description: 医保数据整体缺失或导入失败时本规则跳过，不会把任何人报为未参保。
SELECT g.person_key AS subject, g.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       CASE WHEN m.person_key IS NULL THEN '医保：无该人参保记录'
            ELSE '医保：' || coalesce(m.year::VARCHAR || '年度', '最近记录') || '未处于参保状态（暂停、终止、中断或未参保）'
       END || '；全国系统：在册人员' || coalesce('；' || u.phrase, '') AS detail
FROM rule_gs g
JOIN persons p ON p.person_key = g.person_key
LEFT JOIN rule_medical_latest m ON m.person_key = g.person_key
LEFT JOIN rule_unsure_rows u ON u.person_key = g.person_key AND u.kind = 'medical' AND m.person_key IS NULL
WHERE NOT coalesce(m.insured, false)
