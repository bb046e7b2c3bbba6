-- code: YB-04
-- title: 高额医疗自付未纳入监测
-- category: 部门比对
-- severity: high
-- level: person
-- needs: medical
-- uses: gs
-- columns: gs.monitor_type, medical.self_pay_total|medical.self_pay_inpatient|medical.self_pay_outpatient
-- action: 核实医疗支出和家庭收入；符合条件的按程序识别为监测对象
-- basis: 集中排查工作方案 一(一)；健康帮扶 因病返贫致贫风险监测
-- description: 最近年度个人自付合计（同年度多条相加）达到阈值：脱贫户或监测户成员 self_pay_poverty，其他人 self_pay_other；
-- description: 且其全国系统户不是未消除风险的监测户（不在全国系统的按其他人计）。报给本人。
WITH gs_of AS (
    SELECT g.person_key, bool_or(h.poverty_exited OR h.monitored) AS poor, bool_or(h.monitored) AS monitored, bool_or(h.open_monitored) AS open_monitored
    FROM rule_gs g JOIN rule_gs_households h USING (hh)
    WHERE g.person_key IS NOT NULL
    GROUP BY g.person_key
)
SELECT m.person_key AS subject, m.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '医保：' || coalesce(m.year::VARCHAR || '年度', '') || '个人自付' || printf('%.2f', m.self_pay_total) || '元，达到'
         || CASE WHEN coalesce(g.poor, false) THEN '脱贫户/监测户' ELSE '一般人员' END || '阈值'
         || rule_amount(CASE WHEN coalesce(g.poor, false) THEN $self_pay_poverty::DOUBLE ELSE $self_pay_other::DOUBLE END) || '元；全国系统：'
         || CASE WHEN g.person_key IS NULL THEN '无此人' WHEN g.monitored THEN '监测户已标注风险消除' ELSE '未纳入监测' END AS detail
FROM rule_medical_latest m
JOIN persons p ON p.person_key = m.person_key
LEFT JOIN gs_of g ON g.person_key = m.person_key
WHERE m.self_pay_total >= CASE WHEN coalesce(g.poor, false) THEN $self_pay_poverty::DOUBLE ELSE $self_pay_other::DOUBLE END
  AND NOT coalesce(g.open_monitored, false)
