-- code: ZL-417
-- title: 登记外出务工补贴但务工监测无交通费补助
-- category: 数据质量
-- national_code: 1111_10
-- severity: low
-- level: person
-- needs: gs, gs_work
-- columns: gs.measures, gs_work.transport_subsidy
-- action: 核实外出务工补贴是否发放；已发放的在务工监测中补录年度交通费补助，未发放的更正帮扶措施
-- basis: 全国防止返贫监测信息系统疑点数据 1111_10（县级自定）
-- description: 风险未消除的监测户，就业帮扶含“外出务工补贴”；户内有已外出务工记录的成员，其各条记录的年度交通费补助都为空或0。
-- description: 报给该成员。
SELECT w.person_key AS subject, w.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '全国系统：就业帮扶“' || rule_work_measure(h.measures, '就业帮扶') || '”；务工监测：年度交通费补助'
         || coalesce(rule_amount(w.transport_subsidy) || '元', '为空') AS detail
FROM rule_gs_workers w
JOIN rule_gs_households h ON h.hh = w.hh
JOIN persons p ON p.person_key = w.person_key
WHERE h.open_monitored
  AND rule_work_measure(h.measures, '就业帮扶') LIKE '%外出务工补贴%'
  AND w.person_key IN (SELECT person_key FROM rule_gs_work WHERE NOT coalesce(planned, false))
  AND coalesce(w.transport_subsidy, 0) <= 0
