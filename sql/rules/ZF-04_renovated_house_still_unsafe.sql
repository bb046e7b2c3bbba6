-- code: ZF-04
-- title: 危房已改造竣工全国系统仍为危房户
-- category: 数据质量
-- severity: low
-- level: household
-- needs: housing, gs
-- columns: gs.housing_unsafe|gs.housing_safe
-- action: 核实住房现状，已安全的修正全国系统“是否危房户”（住房是否安全）
-- basis: A级、B级为安全住房，C级、D级经改造竣工后住房安全有保障；全国系统住房信息应随改造结果更新
-- description: 住建台账中该户不晚于 as_of 的最新一条记录已改造竣工且竣工日期不晚于 as_of 前 identify_days 天（只写到月份的按该月最后
-- description: 一天；竣工日期空白的不报），或鉴定为 A 级、B 级，而全国系统该户有成员行仍标注为危房户（“是否危房户”为是，或
-- description: “住房是否安全”为否）。全国系统与住建台账必有一方有误。一户一条，报给户主。
SELECT subject, person_key, name, id_number, county, town, village, household_no,
       house_text || '；全国系统：仍标注为危房户' AS detail
FROM rule_house_households($as_of::DATE)
WHERE marked_unsafe
  AND (grade IN ('A', 'B')
       OR (reno_status = 'done'
           AND rule_last_day(completed_on, completed_on_precision) <= $as_of::DATE - $identify_days::INTEGER))
