-- code: ZL-416
-- title: 登记就业或公益岗位帮扶但家中无人务工
-- category: 数据质量
-- national_code: 1111_3, 4_11_014
-- severity: medium
-- level: household
-- needs: gs, gs_work
-- columns: gs.measures
-- action: 核实就业帮扶和公益岗位帮扶措施是否落实；落实的在务工监测中登记务工人员，未落实的更正帮扶措施
-- basis: 全国防止返贫监测信息系统疑点数据 4_11_014
-- description: 风险未消除的监测户，帮扶措施中就业帮扶或公益岗位帮扶已填写，而户内没有一人有是否已务工为“是”的已外出务工记录。
-- description: 一户一条，报给户主。
-- The head's ID as matching settled it (the export's cell may be damaged), else the cell.
SELECT 'gs:' || h.hh AS subject, h.head_key AS person_key, h.head_name AS name,
       coalesce((SELECT p.id_number FROM persons p WHERE p.person_key = h.head_key), h.head_id) AS id_number,
       h.county, h.town, h.village, h.household_no,
       '全国系统：风险未消除的监测户，'
         || concat_ws('，', '就业帮扶“' || nullif(rule_work_measure(h.measures, '就业帮扶'), '') || '”',
                           '公益岗位帮扶“' || nullif(rule_work_measure(h.measures, '公益岗位帮扶'), '') || '”')
         || '；务工监测：户内无人已务工' AS detail
FROM rule_gs_households h
WHERE h.open_monitored
  AND (rule_work_measure(h.measures, '就业帮扶') <> '' OR rule_work_measure(h.measures, '公益岗位帮扶') <> '')
  AND h.hh NOT IN (SELECT hh FROM rule_gs_workers WHERE works AND hh IS NOT NULL)
