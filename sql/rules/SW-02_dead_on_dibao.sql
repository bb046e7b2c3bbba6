-- code: SW-02
-- title: 死亡人员仍在享受低保
-- category: 部门比对
-- severity: high
-- level: person
-- needs: death, dibao
-- action: 核实死亡情况，按规定停发低保金，调整保障人数，追回死亡次月起多发的保障金
-- basis: 最低生活保障审核确认办法（定期复核，家庭人口变化停发、减发）；死亡人员领取低保列为违规清理情形
-- description: 死亡名单中证件号码完全一致且姓名一致的记录表明此人已死亡，死亡日期（只到月的按该月最后一天）不晚于 as_of 前
-- description: benefit_grace_days 天，而此人在 as_of 仍在民政低保名册在保（状态在保且批准日期不晚于 as_of）。报给本人。
SELECT person_key AS subject, person_key, name, id_number, county, town, village, household_no,
       death || '；民政低保名册：' || strftime(o.approved_on, '%Y-%m-%d') || '批准，比对日仍在保' AS detail
FROM rule_deaths d JOIN rule_on_dibao($as_of::DATE) o USING (person_key)
WHERE died_on <= $as_of::DATE - $benefit_grace_days::INTEGER
