-- code: ID-04
-- title: 同一人员重复登记
-- category: 数据质量
-- national_code: 1_01_001, 1_12_001
-- severity: high
-- level: person
-- needs: gs
-- action: 核实该人实际所在户，在全国系统中删除重复记录
-- basis: 集中排查工作方案 信息准确完整
-- description: 同一证件号码在全国系统中出现在两个及以上户，或在同一户中出现两次及以上。同一户的同一人出现在两份全国系统导出文件
-- description: （监测对象与脱贫人口）中是一次登记，不算重复。
-- The IDs registered more than once are found first; only their rows are aggregated.
WITH g AS MATERIALIZED (
    SELECT id_number, name, row_no, county, town, village, household_no
    FROM rule_gs
    WHERE id_number IS NOT NULL AND id_number <> '' AND NOT again
),
dup AS (
    SELECT id_number FROM g GROUP BY id_number HAVING count(*) > 1
)
SELECT g.id_number AS subject,
       p.person_key,
       arg_min(g.name, g.row_no) AS name,
       g.id_number,
       arg_min(g.county, g.row_no) AS county, arg_min(g.town, g.row_no) AS town, arg_min(g.village, g.row_no) AS village,
       min(g.household_no) AS household_no,
       '全国系统中登记' || count(*) || '次，涉及户编号：' || string_agg(DISTINCT coalesce(g.household_no, '（空）'), '、' ORDER BY coalesce(g.household_no, '（空）'))
         || CASE WHEN count(DISTINCT g.household_no) > 1 THEN '（跨户重复）' ELSE '（同户重复）' END AS detail
FROM g
JOIN dup USING (id_number)
LEFT JOIN persons p ON p.id_number = g.id_number
GROUP BY g.id_number, p.person_key
