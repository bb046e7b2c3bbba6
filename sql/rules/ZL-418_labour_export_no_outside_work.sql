-- code: ZL-418
-- title: 登记劳务输出或外出务工补贴但家中无县外务工
-- category: 数据质量
-- national_code: 5_17_011, 5_17_012
-- severity: medium
-- level: household
-- needs: gs, gs_work
-- columns: gs.measures, gs_work.work_county
-- action: 核实劳务输出、外出务工补贴措施是否落实；落实的在务工监测中登记县外务工，未落实的更正帮扶措施
-- basis: 全国防止返贫监测信息系统疑点数据 5_17_011、5_17_012
-- description: 风险未消除的监测户，就业帮扶含“劳务输出”或“外出务工补贴”，而识别监测以来户内无人在县外务工：没有一条已外出
-- description: 务工记录的务工所在县在户所在县以外（已填写、不是本县、不含户所在县名称），且结束时间为空或不早于识别监测时间
-- description: （识别监测时间为空则不看结束时间）。户所在县为空的不判断。一户一条，报给户主。
-- The head's ID as matching settled it (the export's cell may be damaged), else the cell.
SELECT 'gs:' || h.hh AS subject, h.head_key AS person_key, h.head_name AS name,
       coalesce((SELECT p.id_number FROM persons p WHERE p.person_key = h.head_key), h.head_id) AS id_number,
       h.county, h.town, h.village, h.household_no,
       '全国系统：风险未消除的监测户，就业帮扶“' || rule_work_measure(h.measures, '就业帮扶') || '”；务工监测：'
         || coalesce(rule_date_text(h.identified_on, h.identified_on_precision) || '识别监测以来', '') || '户内无人在县外务工' AS detail
FROM rule_gs_households h
WHERE h.open_monitored AND nullif(trim(h.county), '') IS NOT NULL
  AND regexp_matches(rule_work_measure(h.measures, '就业帮扶'), '劳务输出|外出务工补贴')
  AND NOT EXISTS (SELECT 1 FROM rule_gs_work w
                  WHERE w.hh = h.hh AND NOT coalesce(w.planned, false) AND rule_work_outside(w.work_county, h.county)
                    AND (h.identified_on IS NULL OR w.end_on IS NULL OR rule_last_day(w.end_on, w.end_on_precision) >= h.identified_on))
