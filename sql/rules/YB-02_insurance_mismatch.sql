-- code: YB-02
-- title: 参保情况与医保数据不一致
-- category: 部门比对
-- severity: medium
-- level: person
-- needs: gs, medical
-- columns: gs.resident_medical|gs.employee_medical, medical.insured_status|medical.insurance_type
-- action: 按医保数据修正全国系统参保信息
-- basis: 集中排查工作方案 二(二)；加强同医保部门信息比对
-- description: 医保数据最近年度已参保的全国系统人员，其“是否参加城乡居民基本医疗保险”和“是否参加城镇职工基本医疗保险”都不是“是”；
-- description: 或只有一项为“是”而医保险种是另一种。两项都为“是”时不算不一致。报给本人。
WITH gs AS (
    SELECT g.*,
           CASE WHEN resident_medical THEN '是' WHEN NOT resident_medical THEN '否' ELSE '空白' END AS resident_said,
           CASE WHEN employee_medical THEN '是' WHEN NOT employee_medical THEN '否' ELSE '空白' END AS employee_said
    FROM rule_gs g
    WHERE person_key IS NOT NULL
)
SELECT g.person_key AS subject, g.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '全国系统：城乡居民医保“' || g.resident_said || '”，职工医保“' || g.employee_said || '”；医保：'
         || coalesce(m.year::VARCHAR || '年度', '') || '已参加'
         || CASE m.insurance_type WHEN 'resident' THEN '城乡居民基本医疗保险' WHEN 'employee' THEN '职工基本医疗保险' ELSE '基本医疗保险' END
       AS detail
FROM gs g
JOIN rule_medical_latest m ON m.person_key = g.person_key
JOIN persons p ON p.person_key = g.person_key
WHERE m.insured
  AND (
        (NOT coalesce(g.resident_medical, false) AND NOT coalesce(g.employee_medical, false))
     OR (m.insurance_type = 'resident' AND NOT coalesce(g.resident_medical, false))
     OR (m.insurance_type = 'employee' AND NOT coalesce(g.employee_medical, false))
  )
