-- code: CJ-02
-- title: 健康状况为残疾但无有效残疾人证
-- category: 部门比对
-- national_code: 4_12_003
-- severity: medium
-- level: person
-- needs: disability, gs
-- columns: gs.health
-- action: 核实是否持有残疾人证：已注销或失效的核实残疾状况后修正健康状况；未办证的引导办证或修正健康状况
-- basis: 全国系统疑点数据 4_12_003（健康状况为残疾而无残疾人证）；与残联持证残疾人数据比对
-- description: 全国系统“健康状况”为残疾，残联名单覆盖此人所在县（名单有此县的记录，或名单无县列），此人在 as_of 没有有效残疾人证，
-- description: 并且：名单上此人的记录全部已失效（注销、状态失效或过期）；或名单上没有此人，而全国系统“证件类型”不是残疾人证
-- description: （证件号码为20或22位残疾人证号的也视为残疾人证）。名单上此人只有状态无法识别或发证日期晚于 as_of 的记录时不报。
-- description: 详情说明是哪一种。报给本人。
WITH gs AS (
    SELECT person_key,
           coalesce(bool_or(trim(health) = '残疾'), false) AS disabled,
           bool_or(coalesce(id_type, '') LIKE '%残疾%' OR length(coalesce(id_raw, '')) IN (20, 22)) AS card_as_id
    FROM rule_gs
    WHERE person_key IS NOT NULL
    GROUP BY person_key
),
certs AS (SELECT * FROM rule_certificates($as_of::DATE))
SELECT g.person_key AS subject, g.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '全国系统：健康状况为残疾；残联持证名单：'
         || CASE WHEN c.person_key IS NULL THEN '无此人持证记录' || coalesce('；' || u.phrase, '')
                 ELSE '无有效残疾人证（' || c.inactive_text || '）' END AS detail
FROM gs g
JOIN persons p ON p.person_key = g.person_key
LEFT JOIN certs c ON c.person_key = g.person_key
LEFT JOIN rule_unsure_rows u ON u.person_key = g.person_key AND u.kind = 'disability' AND c.person_key IS NULL
WHERE g.disabled
  AND EXISTS (SELECT 1 FROM rule_disability_covers v WHERE v.county IS NULL OR v.county = trim(p.county))
  AND CASE WHEN c.person_key IS NULL THEN NOT g.card_as_id ELSE NOT c.active AND c.inactive_only END
