-- code: ZL-420
-- title: 风险为因务工就业不稳但家中无务工登记
-- category: 数据质量
-- national_code: 5_15_014
-- severity: medium
-- level: household
-- needs: gs, gs_work
-- columns: gs.risks
-- action: 核实风险类型；属实的在务工监测中登记户内务工人员，否则更正风险类型
-- basis: 全国防止返贫监测信息系统疑点数据 5_15_014
-- description: 风险未消除的监测户，致贫/返贫风险（任一项）有“因务工就业不稳”，而户内无人在务工监测中（已外出务工或计划外出务工）
-- description: 有任何记录。一户一条，报给户主。
WITH risky AS (
    SELECT DISTINCT hh FROM rule_gs WHERE list_contains(coalesce(risks, []), '因务工就业不稳')
)
-- The head's ID as matching settled it (the export's cell may be damaged), else the cell.
SELECT 'gs:' || h.hh AS subject, h.head_key AS person_key, h.head_name AS name,
       coalesce((SELECT p.id_number FROM persons p WHERE p.person_key = h.head_key), h.head_id) AS id_number,
       h.county, h.town, h.village, h.household_no,
       '全国系统：风险未消除的监测户，风险类型有因务工就业不稳；务工监测：户内无人登记' AS detail
FROM rule_gs_households h
JOIN risky r ON r.hh = h.hh
WHERE h.open_monitored AND h.hh NOT IN (SELECT hh FROM rule_gs_workers WHERE hh IS NOT NULL)
