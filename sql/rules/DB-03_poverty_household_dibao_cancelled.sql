-- code: DB-03
-- title: 脱贫享受政策户低保被取消
-- category: 部门比对
-- severity: high
-- level: household
-- needs: gs, dibao
-- columns: gs.policy_status
-- action: 核实停保原因和家庭收支，存在返贫风险的按程序纳入监测
-- basis: 集中排查工作方案 一(二)；脱贫享受政策户低保退出后的风险排查
-- description: 全国系统脱贫户（脱贫户属性为享受政策或空白），有成员的低保记录为停保且停保日期在 as_of 前 dibao_cancel_months 个月内
-- description: （含当日，即不早于 as_of 减去该月数的同一日），现在没有成员在保，且该户不是未消除风险的监测户。一户一条，报给户主。
WITH members AS (
    SELECT g.hh, g.person_key, g.name, g.who, g.head_order FROM rule_gs g WHERE g.person_key IS NOT NULL
),
stopped AS (
    SELECT m.hh, string_agg(DISTINCT m.name || strftime(d.stopped_on, '%Y-%m-%d') || '停保'
                            || coalesce('（' || nullif(trim(d.stop_reason), '') || '）', ''), '、'
                            ORDER BY m.name || strftime(d.stopped_on, '%Y-%m-%d') || '停保'
                            || coalesce('（' || nullif(trim(d.stop_reason), '') || '）', '')) AS what,
           arg_min(m.who, m.head_order) AS who
    FROM members m
    JOIN rule_dibao d ON d.person_key = m.person_key
    WHERE d.status = 'stopped'
      AND d.stopped_on <= $as_of::DATE
      AND d.stopped_on >= $as_of::DATE - to_months($dibao_cancel_months::INTEGER)
    GROUP BY m.hh
),
on_now AS (
    SELECT DISTINCT m.hh FROM members m JOIN rule_on_dibao($as_of::DATE) o ON o.person_key = m.person_key
)
-- The 户主, else the member that triggered it (rules.md).
SELECT 'gs:' || h.hh AS subject,
       CASE WHEN h.heads > 0 THEN h.head_key ELSE s.who.key END AS person_key,
       CASE WHEN h.heads > 0 THEN h.head_name ELSE s.who.name END AS name,
       CASE WHEN h.heads > 0 THEN h.head_id ELSE s.who.id END AS id_number,
       h.county, h.town, h.village, h.household_no,
       '民政低保名册：' || s.what || '，现无成员在保；全国系统：脱贫户（' || coalesce(nullif(h.policy_status, ''), '脱贫户属性空白') || '），'
         || CASE WHEN h.monitored THEN '监测户已标注风险消除' ELSE '未纳入监测' END AS detail
FROM rule_gs_households h
JOIN stopped s ON s.hh = h.hh
WHERE h.poverty_exited
  AND h.policy_status IN ('享受政策', '')
  AND NOT h.open_monitored
  AND h.hh NOT IN (SELECT hh FROM on_now)
