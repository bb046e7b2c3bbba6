-- code: ZW-01
-- title: 整户无劳动能力户未标识兜底保障户
-- category: 部门比对
-- national_code: 5_11_033
-- severity: medium
-- level: household
-- needs: gs
-- uses: dibao, tekun
-- columns: gs.labour, gs.no_labour_household
-- action: 核实后在全国系统标识为整户无劳动能力兜底保障户
-- basis: 集中排查工作方案 三(一)；整户无劳动能力家庭兜底保障
-- description: 未消除风险的监测户，每个成员的劳动技能都是丧失劳动力或无劳动力，有成员享受低保或特困供养，而“整户无劳动能力兜底保障户”
-- description: 不是“是”。享受与否：此人在民政名册上有记录的按名册（as_of 在保），否则按全国系统低保、特困字段（农村/城市低保或特困、是）。
-- description: 一户一条，报给户主。
WITH assisted AS (
    SELECT g.hh, g.name, g.who, g.head_order,
           CASE WHEN d.person_key IS NOT NULL THEN od.person_key IS NOT NULL
                ELSE coalesce(trim(g.dibao), '') IN ('农村低保', '城市低保', '是') END AS on_dibao,
           CASE WHEN t.person_key IS NOT NULL THEN ot.person_key IS NOT NULL
                ELSE coalesce(trim(g.tekun), '') IN ('农村特困', '城市特困', '是') END AS on_tekun,
           d.person_key IS NOT NULL AS dibao_listed, t.person_key IS NOT NULL AS tekun_listed
    FROM rule_gs g
    LEFT JOIN (SELECT DISTINCT person_key FROM rule_dibao) d ON d.person_key = g.person_key
    LEFT JOIN (SELECT DISTINCT person_key FROM rule_tekun) t ON t.person_key = g.person_key
    LEFT JOIN rule_on_dibao($as_of::DATE) od ON od.person_key = g.person_key
    LEFT JOIN rule_on_tekun($as_of::DATE) ot ON ot.person_key = g.person_key
),
reasons AS (
    SELECT hh, string_agg(name || CASE WHEN on_dibao AND on_tekun THEN '享受低保和特困供养'
                                       WHEN on_dibao THEN '享受低保' ELSE '享受特困供养' END
                          || CASE WHEN (on_dibao AND dibao_listed) OR (on_tekun AND tekun_listed) THEN '（民政名册）' ELSE '（全国系统）' END,
                          '、' ORDER BY name) AS what,
           arg_min(who, head_order) AS who
    FROM assisted
    WHERE on_dibao OR on_tekun
    GROUP BY hh
)
-- The 户主, else the member that triggered it (rules.md).
SELECT 'gs:' || h.hh AS subject,
       CASE WHEN h.heads > 0 THEN h.head_key ELSE r.who.key END AS person_key,
       CASE WHEN h.heads > 0 THEN h.head_name ELSE r.who.name END AS name,
       CASE WHEN h.heads > 0 THEN h.head_id ELSE r.who.id END AS id_number,
       h.county, h.town, h.village, h.household_no,
       '全国系统：未消除风险监测户，' || h.members || '名成员均丧失劳动力或无劳动力，整户无劳动能力兜底保障户未标“是”；' || r.what AS detail
FROM rule_gs_households h
JOIN reasons r ON r.hh = h.hh
WHERE h.open_monitored
  AND h.all_no_labour
  AND NOT h.no_labour_household
