-- code: ZF-01
-- title: 危房未改造但全国系统显示住房安全
-- category: 部门比对
-- severity: high
-- level: household
-- needs: housing, gs
-- columns: gs.housing_unsafe|gs.housing_safe
-- action: 核实住房安全状况，修正全国系统“是否危房户”（住房是否安全），落实住房安全保障措施
-- basis: C级、D级为危房（农村住房安全性鉴定技术导则）；与住建部门房屋安全鉴定和危房改造数据比对
-- description: 该户在 as_of 住危房：住建台账中该户（台账身份证号关联到的人员所在的全国系统户）不晚于 as_of 的最新一条鉴定为 C 级或 D 级，
-- description: 且未改造竣工（或竣工日期晚于 as_of）；而全国系统该户没有成员行标注为危房户（“是否危房户”为是，或“住房是否安全”为否）。
-- description: 一户一条，报给户主。
SELECT subject, person_key, name, id_number, county, town, village, household_no,
       house_text || '；全国系统：' || marked_text AS detail
FROM rule_house_households($as_of::DATE)
WHERE unsafe AND NOT marked_unsafe
