-- code: ZF-03
-- title: 监测户住危房未登记住房风险和措施
-- category: 部门比对
-- national_code: 5_18_004, 3_11_006
-- severity: medium
-- level: household
-- needs: housing, gs
-- columns: gs.monitor_type, gs.risks, gs.measures
-- action: 补录“因安全住房”风险，落实并录入住房安全保障（或搬迁）帮扶措施
-- basis: 全国系统疑点数据 5_18_004、3_11_006（住房风险与住房安全保障措施）；与住建部门危房数据比对
-- description: 风险未消除的监测户在 as_of 住危房（同 ZF-01），而全国系统风险类型不含因安全住房，且“住房安全保障”和“搬迁”
-- description: 帮扶措施都空白。一户一条，报给户主。
SELECT subject, person_key, name, id_number, county, town, village, household_no,
       house_text || '；全国系统：监测户风险类型无因安全住房，住房安全保障、搬迁措施均空白' AS detail
FROM rule_house_households($as_of::DATE)
WHERE unsafe
  AND open_monitored
  AND len(list_filter(risks, x -> x LIKE '%住房%')) = 0
  AND len(list_filter(measures, m -> m.category IN ('住房安全保障', '搬迁'))) = 0
