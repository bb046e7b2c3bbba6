-- code: SW-03
-- title: 死亡人员仍在特困供养
-- category: 部门比对
-- severity: high
-- level: person
-- needs: death, tekun
-- action: 核实死亡情况，终止特困供养，追回死亡次月起多发的供养金
-- basis: 特困人员认定办法（死亡的终止救助供养，公示后次月停发）
-- description: 死亡名单中证件号码完全一致且姓名一致的记录表明此人已死亡，死亡日期（只到月的按该月最后一天）不晚于 as_of 前
-- description: benefit_grace_days 天，而此人在 as_of 仍在民政特困人员名册在册（状态正常且认定日期不晚于 as_of）。报给本人。
SELECT person_key AS subject, person_key, name, id_number, county, town, village, household_no,
       death || '；民政特困人员名册：' || strftime(o.approved_on, '%Y-%m-%d') || '认定，比对日仍在供养' AS detail
FROM rule_deaths d JOIN rule_on_tekun($as_of::DATE) o USING (person_key)
WHERE died_on <= $as_of::DATE - $benefit_grace_days::INTEGER
