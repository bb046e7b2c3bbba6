-- code: XC-02
-- title: 风险消除后出现新增风险
-- category: 部门比对
-- severity: high
-- level: household
-- needs: gs
-- uses: dibao, tekun, medical
-- columns: gs.risk_eliminated, gs.eliminated_on
-- action: 按认定程序重新识别为监测对象
-- basis: 集中排查工作方案 三(二)；风险消除后返贫致贫风险的动态监测
-- description: 风险已标注消除，而消除日之后（且不晚于 as_of）有成员被批准享受低保或认定特困（不论现在是否在保），或有成员在消除年度之后的
-- description: 某一年度医保个人自付合计达到 self_pay_poverty。消除日空白的不判断。一户一条，报给户主。
WITH h AS (
    SELECT hh, household_no, eliminated_on, eliminated_on_precision, heads, head_key, head_name, head_id, county, town, village
    FROM rule_gs_households WHERE risk_eliminated AND eliminated_on IS NOT NULL
),
-- The linked members of those households with the household's elimination date.
members AS MATERIALIZED (
    -- A month-only elimination date may be as late as its month's end: an approval counts as after it only
    -- when it is after that.
    SELECT DISTINCT g.hh, g.person_key, g.name, rule_last_day(h.eliminated_on, h.eliminated_on_precision) AS eliminated_on, g.who, g.head_order
    FROM rule_gs g JOIN h ON h.hh = g.hh
    WHERE g.person_key IS NOT NULL
),
risks AS (
    SELECT m.hh, rule_date_text(d.approved_on, d.approved_on_precision) || m.name || '批准享受低保（民政低保名册）' AS what, m.who, m.head_order
    FROM members m JOIN rule_dibao d ON d.person_key = m.person_key
    WHERE d.approved_on > m.eliminated_on AND d.approved_on <= $as_of::DATE
    UNION ALL
    SELECT m.hh, rule_date_text(t.approved_on, t.approved_on_precision) || m.name || '认定特困人员（民政特困人员名册）', m.who, m.head_order
    FROM members m JOIN rule_tekun t ON t.person_key = m.person_key
    WHERE t.approved_on > m.eliminated_on AND t.approved_on <= $as_of::DATE
    UNION ALL
    SELECT m.hh, m.name || y.year || '年度医保个人自付' || printf('%.2f', y.self_pay_total) || '元', m.who, m.head_order
    FROM members m JOIN rule_medical_years y ON y.person_key = m.person_key
    WHERE y.year > year(m.eliminated_on) AND y.self_pay_total >= $self_pay_poverty::DOUBLE
),
by_household AS (
    SELECT hh, string_agg(DISTINCT what, '；' ORDER BY what) AS what, arg_min(who, head_order) AS who FROM risks GROUP BY hh
)
-- The 户主, else the member that triggered it (rules.md).
SELECT 'gs:' || h.hh AS subject,
       CASE WHEN h.heads > 0 THEN h.head_key ELSE r.who.key END AS person_key,
       CASE WHEN h.heads > 0 THEN h.head_name ELSE r.who.name END AS name,
       CASE WHEN h.heads > 0 THEN h.head_id ELSE r.who.id END AS id_number,
       h.county, h.town, h.village, h.household_no,
       '全国系统：' || rule_date_text(h.eliminated_on, h.eliminated_on_precision) || '风险消除；消除后：'
         || r.what AS detail
FROM h JOIN by_household r ON r.hh = h.hh
