-- code: PS-01
-- title: 脱贫不享受政策户享受低保或有在校生
-- category: 部门比对
-- severity: medium
-- level: household
-- needs: gs
-- uses: dibao, education
-- columns: gs.policy_status
-- action: 核实家庭情况，需要享受政策的按程序调整脱贫户属性；信息错误的予以修正
-- basis: 集中排查工作方案 二(二)；脱贫户属性管理
-- description: 全国系统脱贫户属性为不享受政策，而有成员在 as_of 在民政低保名册在保，或在读：有学籍记录的按最近一条学籍记录，
-- description: 没有学籍记录的按全国系统在校生状况（非空且不是非在校生、学龄前儿童）。一户一条，报给户主。
WITH members AS (
    SELECT g.hh, g.person_key, g.name, coalesce(trim(g.school_status), '') AS school_status,
           g.who, g.head_order
    FROM rule_gs g
),
reasons AS (
    SELECT m.hh, '民政低保名册：' || m.name || '在保' AS why, m.who, m.head_order
    FROM members m JOIN rule_on_dibao($as_of::DATE) o ON o.person_key = m.person_key
    UNION ALL
    SELECT m.hh, CASE WHEN e.person_key IS NOT NULL THEN '学籍：' || m.name || coalesce(e.school, '') || coalesce(e.stage, '') || '在读'
                      ELSE '全国系统：' || m.name || '在校生状况为“' || m.school_status || '”' END,
           m.who, m.head_order
    FROM members m LEFT JOIN rule_education_latest e ON e.person_key = m.person_key
    WHERE CASE WHEN e.person_key IS NOT NULL THEN e.enrolled
               ELSE m.school_status NOT IN ('', '非在校生', '学龄前儿童') END
),
by_household AS (
    SELECT hh, string_agg(DISTINCT why, '；' ORDER BY why) AS why, arg_min(who, head_order) AS who FROM reasons GROUP BY hh
)
-- The 户主, else the member that triggered it (rules.md).
SELECT 'gs:' || h.hh AS subject,
       CASE WHEN h.heads > 0 THEN h.head_key ELSE r.who.key END AS person_key,
       CASE WHEN h.heads > 0 THEN h.head_name ELSE r.who.name END AS name,
       CASE WHEN h.heads > 0 THEN h.head_id ELSE r.who.id END AS id_number,
       h.county, h.town, h.village, h.household_no,
       '全国系统：脱贫户属性为不享受政策；' || r.why AS detail
FROM rule_gs_households h
JOIN by_household r ON r.hh = h.hh
WHERE h.policy_status = '不享受政策'
