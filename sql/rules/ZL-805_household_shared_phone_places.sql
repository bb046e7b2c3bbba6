-- code: ZL-805
-- title: 同户成员务工地不同但联系电话相同
-- category: 数据质量
-- national_code: 5_15_021
-- severity: low
-- level: household
-- needs: gs
-- columns: gs.member_phone, gs.work_place
-- action: 核实各务工成员本人的联系电话，在全国系统中更正
-- basis: 全国防止返贫监测信息系统疑点数据 5_15_021
-- description: 脱贫户内两名成员的家庭成员联系电话相同（非空），而务工所在地都已填写且不同。一户一条，报给户主。
WITH shared AS (
    SELECT hh, trim(member_phone) AS phone,
           string_agg(DISTINCT trim(name) || '（' || trim(work_place) || '）', '、' ORDER BY trim(name) || '（' || trim(work_place) || '）') AS who
    FROM rule_gs
    WHERE NOT again AND coalesce(trim(household_type), '') = '脱贫户'
      AND nullif(trim(member_phone), '') IS NOT NULL AND nullif(trim(work_place), '') IS NOT NULL
    GROUP BY hh, trim(member_phone)
    HAVING count(DISTINCT trim(work_place)) > 1
)
-- The head's ID as matching settled it (the export's cell may be damaged), else the cell.
SELECT 'gs:' || h.hh AS subject, h.head_key AS person_key, h.head_name AS name,
       coalesce((SELECT p.id_number FROM persons p WHERE p.person_key = h.head_key), h.head_id) AS id_number,
       h.county, h.town, h.village, h.household_no,
       '全国系统：' || s.who || '务工所在地不同，家庭成员联系电话都是' || s.phone AS detail
FROM shared s
JOIN rule_gs_households h ON h.hh = s.hh
