-- code: SW-04
-- title: 死亡人员仍在领取城乡居民养老金
-- category: 部门比对
-- severity: high
-- level: person
-- needs: death, pension
-- action: 通知人社部门核实后停发养老金，办理注销登记，追回死亡次月起多发的待遇
-- basis: 城乡居民基本养老保险：领取人死亡的次月起停发，家属应在规定期限内办理注销
-- description: 死亡名单中证件号码完全一致且姓名一致的记录表明此人已死亡，死亡日期（只到月的按该月最后一天）不晚于 as_of 前
-- description: benefit_grace_days 天，而人社城乡居民养老保险数据中此人最新一条记录（按年度，无年度的在后）为待遇正常发放或待遇领取，
-- description: 且终止日期空白或晚于 as_of。报给本人。
SELECT person_key AS subject, person_key, name, id_number, county, town, village, household_no,
       death || '；人社城乡居民养老保险：' || coalesce(r.year || '年度', '')
         || CASE WHEN r.benefit_status = 'paid' THEN '待遇正常发放' ELSE '待遇领取' END || '，未停发' AS detail
FROM rule_deaths d JOIN rule_pension_receiving($as_of::DATE) r USING (person_key)
WHERE died_on <= $as_of::DATE - $benefit_grace_days::INTEGER
