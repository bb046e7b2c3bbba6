-- code: ZF-02
-- title: 住危房的脱贫户未纳入监测或已消除风险
-- category: 部门比对
-- national_code: 1_02_001, 1_11_006
-- severity: high
-- level: household
-- needs: housing, gs
-- columns: gs.monitor_type
-- action: 未纳入监测的逐户研判，符合条件的识别为监测对象；风险已消除的申请风险消除回退，落实住房安全保障
-- basis: 全国系统疑点数据 1_02_001（危房户未纳入监测）、1_11_006（风险已消除户住危房）；住房安全保障对象范围
-- description: 该户在 as_of 住危房（同 ZF-01：最新鉴定为 C 级或 D 级且未改造竣工），鉴定日期不晚于 as_of 前 identify_days 天
-- description: （只写到月份的按该月最后一天），而全国系统该户不是风险未消除的监测户：从未纳入监测的应逐户研判纳入，
-- description: 风险已消除的应风险消除回退。详情说明是哪一种。一户一条，报给户主。
SELECT subject, person_key, name, id_number, county, town, village, household_no,
       house_text || '；全国系统：'
         || CASE WHEN monitored
                 THEN '风险已于' || coalesce(rule_date_text(eliminated_on, eliminated_on_precision), '（日期空白）')
                      || '标注消除，应风险消除回退'
                 ELSE '户编号' || coalesce(household_no, '（空白）') || '未纳入监测，应逐户研判纳入' END AS detail
FROM rule_house_households($as_of::DATE)
WHERE unsafe
  AND rule_last_day(appraised_on, appraised_on_precision) <= $as_of::DATE - $identify_days::INTEGER
  AND NOT open_monitored
