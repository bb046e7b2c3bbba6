-- code: HH-01
-- title: 户主信息异常
-- category: 数据质量
-- national_code: 3_02_011, 3_02_012, 3_11_001, 3_11_002
-- severity: low
-- level: household
-- needs: gs
-- columns: gs.relation
-- action: 核实家庭成员关系，在全国系统中确定唯一户主
-- basis: 集中排查工作方案 四；信息准确完整
-- description: 全国系统同一户编号下没有与户主关系为户主的成员，或有多于一名。户编号空白的行不判断。报给户主（多名时为第一名，
-- description: 没有时为该户第一名成员）。
WITH heads AS (
    SELECT hh, string_agg(name, '、' ORDER BY file_id, row_no) AS names
    FROM rule_gs
    WHERE trim(relation) = '户主' AND NOT again
    GROUP BY hh
)
SELECT 'gs:' || h.hh AS subject, h.head_key AS person_key, h.head_name AS name, h.head_id AS id_number,
       h.county, h.town, h.village, h.household_no,
       '全国系统：户编号' || h.household_no || '共' || h.members || '人，'
         || CASE WHEN h.heads = 0 THEN '无户主' ELSE '有' || h.heads || '名户主：' || hd.names END AS detail
FROM rule_gs_households h
LEFT JOIN heads hd ON hd.hh = h.hh
WHERE nullif(trim(h.household_no), '') IS NOT NULL
  AND h.heads <> 1
