-- code: SR-01
-- title: 脱贫户收入低于监测线未纳入监测
-- category: 数据质量
-- national_code: 1_02_006, 3_11_010
-- severity: high
-- level: household
-- needs: gs
-- columns: gs.monitor_type, gs.income_per_capita
-- action: 核实收入；确低于监测线的按程序识别为监测对象
-- basis: 集中排查工作方案 一(一)；山东省2023年防止返贫监测范围（监测线8000元）
-- description: 全国系统户类型为脱贫户、未纳入监测（无成员有监测对象类别），人均纯收入低于 monitoring_line。一户一条，报给户主。
SELECT 'gs:' || h.hh AS subject, h.head_key AS person_key, h.head_name AS name, h.head_id AS id_number,
       h.county, h.town, h.village, h.household_no,
       '全国系统：脱贫户，人均纯收入' || rule_amount(h.income_per_capita) || '元，低于监测线'
         || rule_amount($monitoring_line::DOUBLE) || '元，未纳入监测' AS detail
FROM rule_gs_households h
WHERE h.poverty_exited
  AND NOT h.monitored
  AND h.income_per_capita < $monitoring_line::DOUBLE
