-- code: SW-05
-- title: 死亡后仍新批低保或特困（核实死亡信息）
-- category: 数据质量
-- severity: medium
-- level: person
-- needs: death
-- uses: dibao, tekun
-- action: 核实死亡信息与低保、特困审批记录：死亡信息有误的通知来源单位更正，审批有误的按规定纠正
-- basis: 死亡后不应新批救助（低保、特困审核确认办法）；两份记录必有一份有误
-- description: 死亡名单中证件号码完全一致且姓名一致的记录表明此人已死亡，而此人有一条民政低保或特困名册记录的批准（认定）日期晚于
-- description: 死亡日期（死亡日期只到月的按该月最后一天，批准日期只到月的按该月第一天，只在确定晚于时报告），不论现在是否在保。报给本人。
WITH approvals AS (
    SELECT person_key, approved_on, rule_date_text(approved_on, approved_on_precision) || '批准低保' AS what
    FROM rule_dibao WHERE person_key IS NOT NULL AND approved_on IS NOT NULL
    UNION ALL
    SELECT person_key, approved_on, rule_date_text(approved_on, approved_on_precision) || '认定特困' AS what
    FROM rule_tekun WHERE person_key IS NOT NULL AND approved_on IS NOT NULL
)
SELECT d.person_key AS subject, d.person_key, d.name, d.id_number, d.county, d.town, d.village, d.household_no,
       d.death || '；民政名册：其后' || string_agg(DISTINCT a.what, '、' ORDER BY a.what)
         || '；死亡信息或审批记录必有一处有误' AS detail
FROM rule_deaths d
JOIN approvals a ON a.person_key = d.person_key AND a.approved_on > d.died_on
GROUP BY d.person_key, d.name, d.id_number, d.county, d.town, d.village, d.household_no, d.death
