-- code: ZL-806
-- title: 不同户务工人员联系电话相同
-- category: 数据质量
-- national_code: 5_15_022
-- severity: low
-- level: person
-- needs: gs, gs_work
-- columns: gs.member_phone
-- action: 核实务工人员本人的联系电话，在全国系统中更正
-- basis: 全国防止返贫监测信息系统疑点数据 5_15_022
-- description: 有已外出务工记录的人员，其家庭成员联系电话（非空）与另一户中也有已外出务工记录的另一人相同（同一人登记在两户不算）。
-- description: 报给每一名这样的人员。
WITH workers AS (
    SELECT g.person_key, g.hh, trim(g.member_phone) AS phone
    FROM rule_gs g
    WHERE NOT g.again AND nullif(trim(g.member_phone), '') IS NOT NULL
      AND g.person_key IN (SELECT person_key FROM rule_gs_work WHERE NOT coalesce(planned, false))
)
SELECT a.person_key AS subject, a.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '全国系统：家庭成员联系电话' || a.phone || '，与另一户务工人员' || o.name || '（户编号' || coalesce(o.household_no, '空') || '）相同' AS detail
FROM workers a
JOIN workers b ON b.phone = a.phone AND b.hh <> a.hh AND b.person_key <> a.person_key
JOIN persons p ON p.person_key = a.person_key
JOIN persons o ON o.person_key = b.person_key
