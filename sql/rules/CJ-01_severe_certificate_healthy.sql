-- code: CJ-01
-- title: 持证重度残疾人健康状况未标注残疾
-- category: 部门比对
-- severity: medium
-- level: person
-- needs: disability, gs
-- columns: gs.health
-- action: 核实后将全国系统“健康状况”改为残疾，并复核劳动技能和残疾人相关帮扶措施
-- basis: 与残联持证残疾人数据比对；一级、二级为重度残疾；全国系统健康状况与残疾人证应一致
-- description: 此人在 as_of 持有效残疾人证（状态正常，发证日期空白或不晚于 as_of，有效期空白或未过，未注销或注销日期晚于 as_of），
-- description: 最新一张有效证的残疾等级在 severe_disability_grade 级以内（重度），而全国系统“健康状况”为健康或空白
-- description: （长期慢性病、患有大病不报：该字段只能填一项）。报给本人。
WITH gs AS (
    SELECT person_key, bool_and(coalesce(trim(health), '') IN ('健康', '')) AS healthy,
           coalesce(max(nullif(trim(health), '')), '') AS said
    FROM rule_gs
    WHERE person_key IS NOT NULL
    GROUP BY person_key
)
SELECT g.person_key AS subject, g.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '残联持证名单：持有效残疾人证，残疾等级' || rule_grade_text(c.grade) || '（重度）'
         || coalesce('，' || rule_date_text(c.issued_on, c.issued_on_precision) || '发证', '')
         || '；全国系统：健康状况为' || CASE WHEN g.said = '' THEN '空白' ELSE '“' || g.said || '”' END AS detail
FROM gs g
JOIN rule_certificates($as_of::DATE) c ON c.person_key = g.person_key
JOIN persons p ON p.person_key = g.person_key
WHERE g.healthy AND c.active AND c.grade <= $severe_disability_grade::INTEGER
